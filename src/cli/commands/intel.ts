import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { ClientError } from '../client.js';
import { clientFor, collect, int, showList, showOne, wantsJson, type GlobalOpts } from '../common.js';
import { printJson } from '../output.js';
import { authHeader, TaxiiClient, type TaxiiStatus } from '../taxii-client.js';
import { readEnv } from '../../config/env.js';

type Item = Record<string, unknown>;

const DEFAULT_COLLECTION = 'adbe4e0f-c0f4-43bd-8431-33a04e3c7c94';

function localTaxii(cmd: Command, apiRoot: string): TaxiiClient {
  const o = cmd.optsWithGlobals<GlobalOpts>();
  const env = readEnv();
  const server = o.server ?? env.ACCORD_SERVER;
  if (!server) throw new ClientError('CLIENT_CONFIG', 'No server: pass --server URL or set ACCORD_SERVER.');
  return new TaxiiClient(new URL(`taxii2/${apiRoot}/`, server.endsWith('/') ? server : `${server}/`).toString(), authHeader(o.token ?? env.ACCORD_TOKEN));
}

/** Reads STIX objects from a bundle, an envelope, a JSON list, or NDJSON (one object per line). */
export function readObjects(text: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return JSON.parse(text) as unknown[];
  try {
    const doc = JSON.parse(text) as { type?: string; objects?: unknown[] };
    if (Array.isArray(doc.objects)) return doc.objects;
    return [doc];
  } catch (err) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1) return lines.map((l) => JSON.parse(l) as unknown);
    throw err;
  }
}

interface PullState {
  from: string;
  collection: string;
  added_after?: string;
  next?: string;
  pulled: number;
}

function summarise(s: { total: number; ok: number; failed: number; failures: string[] }, cmd: Command): void {
  if (wantsJson(cmd)) printJson(s);
  else {
    process.stdout.write(`${s.ok} of ${s.total} objects stored, ${s.failed} refused\n`);
    for (const f of s.failures.slice(0, 20)) process.stdout.write(`  ${f}\n`);
  }
  if (s.failed > 0) process.exitCode = 1;
}

async function pushAll(client: TaxiiClient, collection: string, objects: unknown[], batch: number) {
  const out = { total: objects.length, ok: 0, failed: 0, failures: [] as string[] };
  for (let i = 0; i < objects.length; i += batch) {
    const s: TaxiiStatus = await client.addAndWait(collection, objects.slice(i, i + batch));
    out.ok += s.success_count;
    out.failed += s.failure_count + s.pending_count;
    for (const f of s.failures ?? []) if (out.failures.length < 100) out.failures.push(`${f.id || '(no id)'}: ${f.message ?? 'refused'}`);
  }
  return out;
}

/** `accord intel …`: search, sightings, collections, sharing groups, TAXII push and pull, exports, MISP import. */
export function registerIntelCommands(program: Command): void {
  const intel = program.command('intel').description('Threat intelligence: STIX 2.1 over TAXII 2.1, TLP 2.0 enforced per object');

  intel
    .command('search')
    .description('Search objects you may read, newest first')
    .option('--q <value>', 'an observable or indicator value (exact, any case)')
    .option('--label <label>')
    .option('--type <types>', 'comma-separated STIX types')
    .option('--author <org-slug>')
    .option('--tlp <levels>', 'comma-separated TLP levels')
    .option('--collection <id>')
    .option('--from <date>')
    .option('--to <date>')
    .option('--cursor <cursor>')
    .option('--limit <n>', 'page size', int('--limit'), 50)
    .action(async (o: Record<string, string | number | undefined>, cmd: Command) => {
      const r = await clientFor(cmd).request<{ items: Item[]; next: string | null }>('GET', 'intel/objects', undefined, o as Record<string, string>);
      showList(
        cmd,
        { items: wantsJson(cmd) ? r.items : r.items.map((i) => ({ ...i, name: (i.object as Item).name ?? (i.object as Item).value ?? (i.object as Item).pattern ?? '' })), next: r.next },
        ['date_added', 'type', 'tlp', 'id', 'name'],
      );
    });

  intel
    .command('show <stix-id>')
    .description('An object with its versions, what refers to it, and its ledger entry')
    .action(async (id: string, _o, cmd: Command) => showOne(cmd, await clientFor(cmd).request('GET', `intel/objects/${encodeURIComponent(id)}`)));

  intel
    .command('sight <stix-id>')
    .description('Record that your organisation saw an indicator')
    .option('--count <n>', 'how many times', int('--count'))
    .option('--first-seen <time>')
    .option('--last-seen <time>')
    .option('--description <text>')
    .option('--tlp <level>', 'TLP of the sighting (default AMBER: you and the author)')
    .action(async (id: string, o: { count?: number; firstSeen?: string; lastSeen?: string; description?: string; tlp?: string }, cmd: Command) => {
      const body = { count: o.count, first_seen: o.firstSeen, last_seen: o.lastSeen, description: o.description, tlp: o.tlp?.toUpperCase().replace(/^TLP:/, '') };
      showOne(cmd, await clientFor(cmd).request('POST', `intel/objects/${encodeURIComponent(id)}/sightings`, JSON.parse(JSON.stringify(body))));
    });

  intel
    .command('push <file>')
    .description('Add STIX objects (a bundle, a JSON list or NDJSON) to a collection through TAXII, in envelopes, waiting for each status')
    .option('--collection <id>', 'collection id', DEFAULT_COLLECTION)
    .option('--api-root <root>', 'API root', 'api')
    .option('--batch <n>', 'objects per envelope', int('--batch'), 1000)
    .action(async (file: string, o: { collection: string; apiRoot: string; batch: number }, cmd: Command) => {
      const objects = readObjects(readFileSync(file === '-' ? 0 : file, 'utf8'));
      summarise(await pushAll(localTaxii(cmd, o.apiRoot), o.collection, objects, Math.max(1, Math.min(o.batch, 10_000))), cmd);
    });

  intel
    .command('pull')
    .description('Pull a TAXII 2.1 collection from another server, page by page, resuming where the last pull stopped')
    .requiredOption('--from <api-root-url>', 'the API root URL, e.g. https://peer.example/taxii2/api/')
    .requiredOption('--collection <id>', 'the collection id on that server')
    .option('--from-token <token>', 'token for that server (Bearer)')
    .option('--from-basic <user:password>', 'HTTP Basic credentials for that server')
    .option('--state <file>', 'where to keep the cursor between runs', '.accord-pull.json')
    .option('--out <file>', 'append the objects to this NDJSON file (default: standard output)')
    .option('--into <collection>', 'add the objects to this collection of --server instead')
    .option('--type <types>', 'only these STIX types (comma-separated)')
    .option('--limit <n>', 'objects per page', int('--limit'), 1000)
    .option('--max-pages <n>', 'stop after this many pages (the cursor is kept)', int('--max-pages'))
    .action(
      async (
        o: { from: string; collection: string; fromToken?: string; fromBasic?: string; state: string; out?: string; into?: string; type?: string; limit: number; maxPages?: number },
        cmd: Command,
      ) => {
        const peer = new TaxiiClient(o.from, authHeader(o.fromToken, o.fromBasic));
        let state: PullState = { from: peer.root.toString(), collection: o.collection, pulled: 0 };
        if (existsSync(o.state)) {
          const saved = JSON.parse(readFileSync(o.state, 'utf8')) as PullState;
          if (saved.from === state.from && saved.collection === state.collection) state = saved;
        }
        const save = () => {
          writeFileSync(`${o.state}.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
          renameSync(`${o.state}.tmp`, o.state);
        };
        const local = o.into ? localTaxii(cmd, 'api') : undefined;
        const types = o.type?.split(',').map((t) => t.trim()).filter(Boolean);
        let pages = 0;
        let pulledNow = 0;
        const pushed = { total: 0, ok: 0, failed: 0, failures: [] as string[] };
        for (;;) {
          let page;
          try {
            page = await peer.objects(o.collection, { added_after: state.added_after, next: state.next, limit: o.limit, ...(types ? { types } : {}) });
          } catch (err) {
            // A cursor the server no longer honours: fall back to added_after alone.
            if (state.next !== undefined && err instanceof ClientError && err.status === 400) {
              state.next = undefined;
              continue;
            }
            throw err;
          }
          if (page.objects.length > 0) {
            if (local) {
              const r = await pushAll(local, o.into!, page.objects, 1000);
              pushed.total += r.total;
              pushed.ok += r.ok;
              pushed.failed += r.failed;
              pushed.failures.push(...r.failures.slice(0, 100 - pushed.failures.length));
            } else {
              const text = page.objects.map((x) => JSON.stringify(x)).join('\n') + '\n';
              if (o.out) appendFileSync(o.out, text, { mode: 0o600 });
              else process.stdout.write(text);
            }
          }
          pulledNow += page.objects.length;
          state.pulled += page.objects.length;
          if (page.lastAdded) state.added_after = page.lastAdded;
          state.next = page.more ? page.next : undefined;
          save();
          pages++;
          if (!page.more || !page.next || (o.maxPages !== undefined && pages >= o.maxPages)) break;
        }
        const report = { pulled: pulledNow, pages, added_after: state.added_after ?? null, total_pulled: state.pulled, ...(local ? { stored: pushed.ok, refused: pushed.failed, failures: pushed.failures } : {}) };
        if (o.out || local) {
          if (wantsJson(cmd)) printJson(report);
          else {
            process.stdout.write(`pulled ${pulledNow} objects in ${pages} pages${local ? `; stored ${pushed.ok}, refused ${pushed.failed}` : ''}; next pull starts after ${state.added_after ?? 'the beginning'}\n`);
            // Say why objects were refused (an unknown recipient here, say), as push does.
            for (const f of pushed.failures.slice(0, 20)) process.stdout.write(`  ${f}\n`);
          }
        } else process.stderr.write(`pulled ${pulledNow} objects in ${pages} pages\n`);
        if (pushed.failed > 0) process.exitCode = 1;
      },
    );

  intel
    .command('export')
    .description('Export what you may read as stix, csv, suricata, zeek or misp (streamed)')
    .requiredOption('--format <format>', 'stix, csv, suricata, zeek or misp')
    .option('--collection <id>')
    .option('--type <types>', 'comma-separated STIX types')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (o: { format: string; collection?: string; type?: string; out?: string }, cmd: Command) => {
      const c = clientFor(cmd);
      const g = cmd.optsWithGlobals<GlobalOpts>();
      const url = new URL('api/v1/intel/export', c.base);
      url.searchParams.set('format', o.format);
      if (o.collection) url.searchParams.set('collection', o.collection);
      if (o.type) url.searchParams.set('type', o.type);
      const token = g.token ?? readEnv().ACCORD_TOKEN;
      const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!res.ok || !res.body) {
        const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
        throw new ClientError('CLIENT_HTTP', `${res.status} ${p.code ?? ''}: ${p.detail ?? res.statusText}`, res.status);
      }
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      if (o.out) await pipeline(body, createWriteStream(o.out, { mode: 0o600 }));
      else await pipeline(body, process.stdout, { end: false });
    });

  intel
    .command('import-misp <file>')
    .description('Convert MISP JSON events (an event, a list, or a feed response) to STIX 2.1 and add them to a collection')
    .option('--collection <id>', 'collection id', DEFAULT_COLLECTION)
    .action(async (file: string, o: { collection: string }, cmd: Command) => {
      const { mispEventToStix } = await import('../../intel/misp-import.js');
      const { identityIdOfOrg } = await import('../../intel/identity.js');
      const me = await clientFor(cmd).request<{ org: { id: string } }>('GET', 'me');
      const converted = mispEventToStix(JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8')), { identityId: identityIdOfOrg(me.org.id), now: new Date() });
      for (const p of converted.problems.slice(0, 20)) process.stderr.write(`skipped ${p.path}: ${p.message}\n`);
      summarise(await pushAll(localTaxii(cmd, 'api'), o.collection, converted.objects, 1000), cmd);
    });

  // collections
  const cols = intel.command('collections').description('TAXII collections and who may read or write them');
  cols
    .command('list')
    .description('Collections you may read or write')
    .action(async (_o, cmd: Command) =>
      showList(cmd, await clientFor(cmd).request<{ items: Item[] }>('GET', 'intel/collections'), ['id', 'alias', 'title', 'default_tlp', 'can_read', 'can_write', 'taxii_url']),
    );
  const grantOption = (c: Command) =>
    c.option('--grant <org|*>:<role|*>:<r|w|rw>', 'a read/write grant (repeatable), e.g. "*:analyst:rw" or "acme:*:r"', collect);
  const parseGrants = async (cmd: Command, specs: string[] | undefined) => {
    if (!specs) return undefined;
    const out = [];
    for (const s of specs) {
      const [org, role, rights] = s.split(':');
      if (!org || !role || !rights || !/^(r|w|rw)$/.test(rights)) throw new ClientError('CLIENT_CONFIG', `--grant ${JSON.stringify(s)}: use <org-slug|*>:<role|*>:<r|w|rw>`);
      const orgId = org === '*' ? null : (await clientFor(cmd).request<{ id: string }>('GET', `orgs/${encodeURIComponent(org)}`)).id;
      out.push({ org_id: orgId, role: role === '*' ? null : role, read: rights.includes('r'), write: rights.includes('w') });
    }
    return out;
  };
  grantOption(
    cols
      .command('create <title>')
      .description('Create a collection (secretariat)')
      .option('--alias <alias>')
      .option('--description <text>')
      .option('--default-tlp <level>', 'TLP of unmarked objects', 'AMBER')
      .option('--public', 'anonymous callers may read its TLP:CLEAR objects'),
  ).action(async (title: string, o: { alias?: string; description?: string; defaultTlp: string; public?: boolean; grant?: string[] }, cmd: Command) => {
    const grants = await parseGrants(cmd, o.grant);
    showOne(
      cmd,
      await clientFor(cmd).request('POST', 'intel/collections', {
        title,
        ...(o.alias ? { alias: o.alias } : {}),
        ...(o.description ? { description: o.description } : {}),
        default_tlp: o.defaultTlp.toUpperCase().replace(/^TLP:/, ''),
        public_read: o.public === true,
        ...(grants ? { grants } : {}),
      }),
    );
  });
  grantOption(
    cols
      .command('update <id>')
      .description('Change a collection (secretariat); --grant replaces every grant')
      .option('--title <title>')
      .option('--default-tlp <level>')
      .option('--public <yes|no>'),
  ).action(async (id: string, o: { title?: string; defaultTlp?: string; public?: string; grant?: string[] }, cmd: Command) => {
    const grants = await parseGrants(cmd, o.grant);
    showOne(
      cmd,
      await clientFor(cmd).request('PATCH', `intel/collections/${encodeURIComponent(id)}`, {
        ...(o.title ? { title: o.title } : {}),
        ...(o.defaultTlp ? { default_tlp: o.defaultTlp.toUpperCase().replace(/^TLP:/, '') } : {}),
        ...(o.public ? { public_read: o.public === 'yes' } : {}),
        ...(grants ? { grants } : {}),
      }),
    );
  });

  // sharing groups
  const groups = intel.command('groups').description('Sharing groups: organisations an AMBER or RED object can name at once');
  groups
    .command('list')
    .description('Every sharing group')
    .action(async (_o, cmd: Command) => showList(cmd, await clientFor(cmd).request<{ items: Item[] }>('GET', 'intel/groups'), ['slug', 'name', 'owner_org_id', 'member_org_ids']));
  groups
    .command('create <slug> <name>')
    .description('Create a sharing group owned by your organisation (org-admin)')
    .option('--member <org-slug>', 'a member organisation (repeatable)', collect)
    .option('--description <text>')
    .action(async (slug: string, name: string, o: { member?: string[]; description?: string }, cmd: Command) =>
      showOne(cmd, await clientFor(cmd).request('POST', 'intel/groups', { slug, name, members: o.member ?? [], ...(o.description ? { description: o.description } : {}) })),
    );
  groups
    .command('set-members <slug>')
    .description("Replace a sharing group's members (org-admin of its owner)")
    .option('--member <org-slug>', 'a member organisation (repeatable)', collect)
    .action(async (slug: string, o: { member?: string[] }, cmd: Command) =>
      showOne(cmd, await clientFor(cmd).request('PATCH', `intel/groups/${encodeURIComponent(slug)}`, { members: o.member ?? [] })),
    );
  groups
    .command('delete <slug>')
    .description('Delete a sharing group (org-admin of its owner)')
    .action(async (slug: string, _o, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `intel/groups/${encodeURIComponent(slug)}`);
      if (!wantsJson(cmd)) process.stdout.write(`deleted ${slug}\n`);
    });
}
