import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientFor, showList, showOne, wantsJson } from '../common.js';
import { printJson } from '../output.js';
import { validateAdvisoryFile } from '../../advisory/validate.js';

type Item = Record<string, unknown>;

/** `accord advisory …`: published advisories (public), exports and offline validation. */
export function registerAdvisoryCommands(program: Command): Command {
  const adv = program.command('advisory').description('Published advisories: list, show, export as CSAF/OSV/CVE, validate files offline');

  adv
    .command('list')
    .description('Published advisories, newest first')
    .option('--limit <n>', 'how many', '50')
    .action(async (o: { limit: string }, cmd: Command) => {
      const r = await clientFor(cmd).request<{ items: Item[]; next: string | null }>('GET', 'advisories', undefined, { limit: o.limit });
      showList(cmd, { items: r.items.map((a) => ({ ...a, cves: (a.cves as string[]).join(' ') })), next: r.next }, ['tracking_id', 'version', 'severity', 'base_score', 'cves', 'published_at', 'title']);
    });

  adv
    .command('show <tracking-id>')
    .description('One published advisory')
    .option('--version <n>', 'a specific version (default: the latest)')
    .action(async (tid: string, o: { version?: string }, cmd: Command) => {
      const a = await clientFor(cmd).request<Item>('GET', `advisories/${encodeURIComponent(tid)}`, undefined, { version: o.version });
      if (wantsJson(cmd)) return printJson(a);
      const { csaf: _c, osv: _o, ...rest } = a;
      showOne(cmd, { ...rest, versions: (a.versions as number[]).join(', '), cves: (a.cves as string[]).join(' ') });
    });

  adv
    .command('export <tracking-id>')
    .description('The published document: exactly the CSAF bytes that were logged, the OSV records, or a CVE JSON 5 draft')
    .option('--format <csaf|osv|cve>', 'which format', 'csaf')
    .option('--version <n>', 'a specific version')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (tid: string, o: { format: string; version?: string; output?: string }, cmd: Command) => {
      if (!['csaf', 'osv', 'cve'].includes(o.format)) throw new Error('--format must be csaf, osv or cve');
      const text = await clientFor(cmd).request<unknown>('GET', `advisories/${encodeURIComponent(tid)}/${o.format}`, undefined, { version: o.version });
      const out = typeof text === 'string' ? text : `${JSON.stringify(text, null, 2)}\n`;
      if (o.output) writeFileSync(o.output, out);
      else process.stdout.write(out);
    });

  adv
    .command('validate <file>')
    .description('Validate a CSAF 2.0 document (strict schema + every mandatory test) or an OSV record, offline')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const r = await validateAdvisoryFile(readFileSync(file, 'utf8'));
      if (wantsJson(cmd)) printJson(r);
      else if (r.errors.length === 0) process.stdout.write(`${file}: valid ${r.format === 'csaf' ? 'CSAF 2.0' : 'OSV'}\n`);
      else {
        process.stdout.write(`${file}: ${r.errors.length} problem(s) (${r.format === 'csaf' ? 'CSAF 2.0' : 'OSV'})\n`);
        for (const e of r.errors) process.stdout.write(`  ${e.path || '/'}: ${e.message} [${e.test}]\n`);
      }
      if (r.errors.length > 0) process.exitCode = 1;
    });
  return adv;
}
