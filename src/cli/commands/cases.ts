import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from '../client.js';
import { collect, showList, showOne, wantsJson, type GlobalOpts } from '../common.js';
import { printJson, printTable } from '../output.js';
import { readEnv } from '../../config/env.js';
import { CASE_FACTS, REPORT_STATES, VENDOR_STATUSES } from '../../disclosure/types.js';

type Item = Record<string, unknown>;

/** The client for case commands: a token, or a secret case link (`--link` / ACCORD_CASE_LINK) for outsiders. */
function caseClient(cmd: Command): ApiClient {
  const o = cmd.optsWithGlobals<GlobalOpts & { link?: string }>();
  const env = readEnv();
  const link = o.link ?? process.env.ACCORD_CASE_LINK;
  return new ApiClient(o.server ?? env.ACCORD_SERVER, link ? undefined : (o.token ?? env.ACCORD_TOKEN), link ? { 'x-accord-case-link': link } : {});
}

function oneOf(name: string, values: readonly string[]) {
  return (v: string): string => {
    if (!values.includes(v)) throw new Error(`${name} must be one of ${values.join(', ')}`);
    return v;
  };
}

function daysLeft(end: unknown): string {
  if (typeof end !== 'string') return '';
  const ms = Date.parse(end) - Date.now();
  return ms <= 0 ? 'ended' : `${Math.floor(ms / 86_400_000)}d ${Math.floor((ms % 86_400_000) / 3_600_000)}h`;
}

/** `accord case …`: coordinated vulnerability disclosure from the command line. */
export function registerCaseCommands(program: Command): void {
  const cases = program.command('case').description('Coordinated vulnerability disclosure: report, follow and coordinate cases').option('--link <secret>', 'act through a secret case link instead of a token (or ACCORD_CASE_LINK)');

  cases
    .command('report')
    .description('Report a vulnerability (anonymously without a token: keep the case link it prints)')
    .requiredOption('--title <text>', 'short title')
    .requiredOption('--description <text|@file>', 'what is wrong and how to reproduce it (@file reads a file)')
    .option('--product <name>', 'affected product (repeatable)', collect, [])
    .option('--purl <purl>', 'affected package URL (repeatable)', collect, [])
    .option('--cpe <cpe>', 'affected CPE 2.3 (repeatable)', collect, [])
    .option('--vendor <slug>', 'a signatory you believe is affected (repeatable)', collect, [])
    .option('--attach <file>', 'proof material (repeatable, ≤ 5 MiB each)', collect, [])
    .option('--publish-after <date>', 'when you intend to publish')
    .option('--credit <name>', 'how to credit you')
    .option('--name <name>', 'your name (anonymous reports)')
    .option('--email <address>', 'how to reach you (anonymous reports)')
    .action(async (o: { title: string; description: string; product: string[]; purl: string[]; cpe: string[]; vendor: string[]; attach: string[]; publishAfter?: string; credit?: string; name?: string; email?: string }, cmd: Command) => {
      const description = o.description.startsWith('@') ? readFileSync(o.description.slice(1), 'utf8') : o.description;
      const products = [...o.product.map((name) => ({ name })), ...o.purl.map((purl) => ({ name: purl, purl })), ...o.cpe.map((cpe) => ({ name: cpe, cpe }))];
      if (products.length === 0) throw new Error('Name at least one affected product: --product, --purl or --cpe.');
      const body = {
        title: o.title,
        description,
        products,
        vendors: o.vendor,
        wishes: { publish_after: o.publishAfter ?? null, credit: o.credit ?? null },
        ...(o.name || o.email ? { reporter: { name: o.name ?? null, email: o.email ?? null } } : {}),
        attachments: o.attach.map((f) => ({ filename: basename(f), media_type: 'application/octet-stream', content_base64: readFileSync(f).toString('base64') })),
      };
      const r = await caseClient(cmd).request<Item>('POST', 'reports', body);
      if (wantsJson(cmd)) printJson(r);
      else {
        process.stdout.write(`Reported as ${String(r.number)} (case ${String(r.case_id)}).\n`);
        if (r.link_secret) process.stdout.write(`Your case link (keep it secret, it is shown once): ${String(r.link_secret)}\nFollow the case with: accord case show ${String(r.case_id)} --link ${String(r.link_secret)}\n`);
      }
    });

  cases
    .command('list')
    .description('Your case inbox')
    .option('--status <open|closed>', 'only open or closed cases')
    .action(async (o: { status?: string }, cmd: Command) => {
      const r = await caseClient(cmd).request<{ items: Item[]; next: string | null }>('GET', 'cases', undefined, { status: o.status, limit: 200 });
      const rows = r.items.map((c) => {
        const e = c.embargo as Item;
        const you = c.you as Item;
        return { ...c, role: you.kind, report_state: you.report_state, embargo: e.state, ends_in: e.state === 'active' || e.state === 'revise' ? daysLeft(e.end_at) : '' };
      });
      showList(cmd, { items: rows, next: r.next }, ['number', 'id', 'title', 'status', 'role', 'report_state', 'embargo', 'ends_in']);
    });

  cases
    .command('show <id>')
    .description('A case: participants, statuses, embargo, thread and timeline')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const c = await caseClient(cmd).request<Item>('GET', `cases/${encodeURIComponent(id)}`);
      if (wantsJson(cmd)) return printJson(c);
      const e = c.embargo as Item;
      process.stdout.write(`${String(c.number)}  ${String(c.title)}  [${String(c.status)}]\n`);
      process.stdout.write(`embargo: ${String(e.state)}${e.end_at ? ` until ${String(e.end_at)} (${daysLeft(e.end_at)})` : ''}${e.proposed_end_at ? `; proposed end ${String(e.proposed_end_at)}` : ''}\n`);
      const facts = Object.entries(c.facts as Item).filter(([, v]) => v !== null).map(([k]) => k);
      process.stdout.write(`facts: ${facts.join(', ') || 'none'}\n\nparticipants:\n`);
      printTable(c.participants as Item[], ['kind', 'name', 'report_state', 'id']);
      const vulns = c.vulnerabilities as Item[];
      if (vulns.length > 0) {
        process.stdout.write('\nvulnerabilities:\n');
        printTable(vulns, ['id', 'cve', 'title']);
      }
      const statuses = c.statuses as Item[];
      if (statuses.length > 0) {
        process.stdout.write('\nvendor statuses:\n');
        printTable(statuses, ['vulnerability_id', 'participant_id', 'status', 'shared']);
      }
      const messages = c.messages as Item[];
      if (messages.length > 0) {
        process.stdout.write('\nthread:\n');
        for (const m of messages) process.stdout.write(`  ${String(m.created_at)}  ${String(m.author)}: ${String(m.body)}\n`);
      }
    });

  cases
    .command('add-vendor <id>')
    .description('Bring a vendor into the case (coordinator): a signatory by --org, or an outsider by --email')
    .option('--org <slug>', 'a signatory')
    .option('--email <address>', 'an outside vendor, who gets a case link')
    .option('--name <name>', "the outsider's name")
    .option('--stakeholder', 'add as a stakeholder instead of a vendor')
    .action(async (id: string, o: { org?: string; email?: string; name?: string; stakeholder?: boolean }, cmd: Command) => {
      const r = await caseClient(cmd).request<Item>('POST', `cases/${encodeURIComponent(id)}/participants`, { kind: o.stakeholder ? 'stakeholder' : 'vendor', ...(o.org ? { org: o.org } : {}), ...(o.email ? { email: o.email } : {}), ...(o.name ? { name: o.name } : {}) });
      showOne(cmd, r);
    });

  cases
    .command('state <id> <state>')
    .description(`Move your own report state (${REPORT_STATES.join(', ')})`)
    .action(async (id: string, state: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('PUT', `cases/${encodeURIComponent(id)}/report-state`, { state: oneOf('state', REPORT_STATES)(state) }));
    });

  cases
    .command('add-vuln <id>')
    .description('Describe a vulnerability of the case (coordinator)')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--description <text>', 'description')
    .option('--cve <id>', 'CVE id')
    .option('--cwe <id:name>', 'CWE, e.g. "CWE-787:Out-of-bounds Write"')
    .option('--cvss <vector>', 'CVSS 3.1 or 4.0 vector')
    .action(async (id: string, o: { title: string; description: string; cve?: string; cwe?: string; cvss?: string }, cmd: Command) => {
      const cwe = o.cwe ? { id: o.cwe.slice(0, o.cwe.indexOf(':') < 0 ? undefined : o.cwe.indexOf(':')), name: o.cwe.includes(':') ? o.cwe.slice(o.cwe.indexOf(':') + 1) : o.cwe } : null;
      const cvss = o.cvss ? { version: o.cvss.startsWith('CVSS:4.0') ? '4.0' : '3.1', vector: o.cvss } : null;
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/vulnerabilities`, { title: o.title, description: o.description, cve: o.cve ?? null, cwe, cvss }));
    });

  cases
    .command('status <id> <vulnerability-id> <status>')
    .description(`Your vendor status for a vulnerability (${VENDOR_STATUSES.join(', ')})`)
    .option('--share', 'let the other participants see it (default: coordinator only)')
    .option('--justification <flag>', 'VEX justification for not_affected')
    .option('--statement <text>', 'a statement')
    .option('--versions <text>', 'affected or fixed versions')
    .action(async (id: string, vid: string, status: string, o: { share?: boolean; justification?: string; statement?: string; versions?: string }, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('PUT', `cases/${encodeURIComponent(id)}/vulnerabilities/${encodeURIComponent(vid)}/status`, {
        status: oneOf('status', VENDOR_STATUSES)(status),
        shared: o.share === true,
        justification: o.justification ?? null,
        statement: o.statement ?? null,
        versions: o.versions ?? null,
      }));
    });

  cases
    .command('fact <id> <fact>')
    .description(`Assert a case fact (${CASE_FACTS.join(', ')}); public facts end the embargo`)
    .action(async (id: string, fact: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/facts`, { fact: oneOf('fact', CASE_FACTS)(fact) }));
    });

  const embargo = cases.command('embargo').description('Propose, accept, reject or terminate the case embargo');
  embargo
    .command('propose <id> <end>')
    .description('Propose an embargo end (RFC 3339 date-time, e.g. 2026-12-31T16:00:00Z)')
    .action(async (id: string, end: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/embargo/propose`, { end_at: end }));
    });
  for (const action of ['accept', 'reject', 'terminate'] as const) {
    embargo
      .command(`${action} <id>`)
      .description(action === 'terminate' ? 'End the embargo now (coordinator)' : `${action === 'accept' ? 'Accept' : 'Reject'} the proposed embargo`)
      .action(async (id: string, _o: unknown, cmd: Command) => {
        showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/embargo/${action}`));
      });
  }

  cases
    .command('message <id> <text>')
    .description("Post to the case's private thread")
    .action(async (id: string, text: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/messages`, { body: text }));
    });

  cases
    .command('attach <id> <file>')
    .description('Attach proof material (≤ 5 MiB)')
    .action(async (id: string, file: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/attachments`, { filename: basename(file), media_type: 'application/octet-stream', content_base64: readFileSync(file).toString('base64') }));
    });

  registerCaseAdvisoryCommands(cases);

  cases
    .command('close <id>')
    .description('Close the case (coordinator)')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/close`));
    });
}

/** `accord case advisory|approve|publish`: the case's advisory from the command line. */
export function registerCaseAdvisoryCommands(cases: Command): void {
  cases
    .command('advisory <id>')
    .description("Show the case's advisory draft; --create makes it from the case, --draft FILE replaces it (JSON of the advisory model)")
    .option('--create', 'create the draft from the case (coordinator)')
    .option('--draft <file>', 'replace the draft with this JSON file (coordinator)')
    .option('--preview', 'render it and list every CSAF/OSV validation problem')
    .action(async (id: string, o: { create?: boolean; draft?: string; preview?: boolean }, cmd: Command) => {
      const c = caseClient(cmd);
      const path = `cases/${encodeURIComponent(id)}/advisory`;
      if (o.create) await c.request('POST', path);
      if (o.draft) {
        const current = await c.request<Item | null>('GET', path);
        if (!current) throw new Error('The case has no advisory yet: run with --create first.');
        await c.request('PUT', path, { draft: JSON.parse(readFileSync(o.draft, 'utf8')) as unknown, revision: current.draft_revision });
      }
      if (o.preview) {
        const p = await c.request<{ version: number; problems: { path: string; message: string; source: string }[] }>('POST', `${path}/preview`, {});
        if (wantsJson(cmd)) return printJson(p);
        if (p.problems.length === 0) process.stdout.write(`Version ${p.version} renders as valid CSAF 2.0 and OSV.\n`);
        else {
          process.stdout.write(`${p.problems.length} problem(s):\n`);
          for (const x of p.problems) process.stdout.write(`  [${x.source}] ${x.path || '/'}: ${x.message}\n`);
          process.exitCode = 1;
        }
        return;
      }
      const a = await c.request<Item | null>('GET', path);
      if (wantsJson(cmd) || a === null) return printJson(a);
      showOne(cmd, { tracking_id: a.tracking_id, status: a.status, draft_revision: a.draft_revision, awaiting_approval: (a.awaiting_approval as string[]).join(', ') || 'nobody', scheduled_for: a.scheduled_for, published_versions: a.published_versions });
    });

  cases
    .command('approve <id> <revision>')
    .description('Approve the advisory draft revision you read (vendors)')
    .action(async (id: string, revision: string, _o: unknown, cmd: Command) => {
      showOne(cmd, await caseClient(cmd).request('POST', `cases/${encodeURIComponent(id)}/advisory/approve`, { revision: Number(revision) }));
    });

  cases
    .command('publish <id>')
    .description('Publish the advisory (coordinator): now, or at the embargo end if one holds')
    .option('--summary <text>', 'revision summary (default: "Initial public release." / "Updated advisory.")')
    .action(async (id: string, o: { summary?: string }, cmd: Command) => {
      const r = await caseClient(cmd).request<{ advisory: Item; version: Item | null }>('POST', `cases/${encodeURIComponent(id)}/advisory/publish`, o.summary ? { summary: o.summary } : {});
      if (wantsJson(cmd)) return printJson(r);
      if (r.version) process.stdout.write(`Published ${String(r.version.tracking_id)} version ${String(r.version.version)} (CSAF sha256 ${String(r.version.csaf_sha256)}).\n`);
      else process.stdout.write(`Scheduled: ${String(r.advisory.tracking_id)} will be published at the embargo end, ${String(r.advisory.scheduled_for)}.\n`);
    });
}
