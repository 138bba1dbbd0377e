import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { readEnv } from '../../config/env.js';
import { MAX_SBOM_BYTES } from '../../advisory/sbom/model.js';
import type { SbomCheckResult } from '../../advisory/sbom-check.js';
import type { Finding } from '../../advisory/sbom/matcher.js';
import type { Store } from '../../store/store.js';
import { ClientError } from '../client.js';
import { wantsJson, type GlobalOpts } from '../common.js';
import { printJson, printTable } from '../output.js';
import { osvFiles, readInput } from '../osv-source.js';

/** Opens the data directory's store for a local command. */
async function withStore<T>(dataDir: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../../context.js');
  const store = await openStore(loadConfig(readEnv(), { dataDir }));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function printFindings(r: SbomCheckResult, out = process.stdout): void {
  out.write(`${r.components} components (${r.format}${r.spec_version ? ` ${r.spec_version}` : ''}), checked against ${r.database.accord} coalition advisories and ${r.database.osv} OSV records in ${r.elapsed_ms} ms\n`);
  if (r.warnings.length > 0) out.write(`${r.warnings.length + r.warnings_dropped} warning(s): ${r.warnings.slice(0, 3).map((w) => w.message).join('; ')}${r.warnings.length > 3 ? '; …' : ''}\n`);
  if (r.findings.length === 0) {
    out.write('No known vulnerabilities.\n');
    return;
  }
  const byComponent = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const k = f.component.purl ?? f.component.ref;
    byComponent.set(k, [...(byComponent.get(k) ?? []), f]);
  }
  const exact = r.findings.filter((f) => !f.possible).length;
  out.write(`${r.findings.length} finding(s) in ${byComponent.size} component(s): ${exact} exact, ${r.findings.length - exact} possible\n\n`);
  printTable(
    r.findings.map((f) => ({
      component: f.component.purl ?? f.component.name ?? f.component.ref,
      advisory: f.advisory_id,
      aliases: f.aliases.filter((a) => a.startsWith('CVE-')).join(' '),
      affected: f.affected_range,
      fix: f.fixed_version ?? '—',
      confidence: f.possible ? `possible (${f.confidence})` : 'exact',
    })),
    ['component', 'advisory', 'aliases', 'affected', 'fix', 'confidence'],
    out,
  );
}

/** `accord check sbom` and `accord advisory import-osv`: "am I affected?". */
export function registerCheckCommands(program: Command, advisory: Command): void {
  const check = program.command('check').description('"Am I affected?": check an SBOM against published advisories');
  check
    .command('sbom <file>')
    .description('Check a CycloneDX 1.4–1.6 / SPDX 2.3 JSON SBOM or a purl list (one per line; - for stdin) against the coalition advisories and imported OSV records')
    .option('--data <dir>', 'check against a local data directory instead of --server')
    .option('--format <table|json|sarif|csaf-vex>', 'output format (--json = json: the findings only)', 'table')
    .option('-o, --output <file>', 'write the result to a file')
    .option('--fail-on-findings', 'exit 3 when an exact finding exists (for CI)')
    .action(async (file: string, o: { data?: string; format: string; output?: string; failOnFindings?: boolean }, cmd: Command) => {
      const format = wantsJson(cmd) ? 'json' : o.format;
      if (!['table', 'json', 'sarif', 'csaf-vex'].includes(format)) throw new Error('--format must be table, json, sarif or csaf-vex');
      const bytes = await readInput(file, MAX_SBOM_BYTES);
      let result: SbomCheckResult;
      let rendered: string | null = null;
      if (o.data) {
        const { checkSbom } = await import('../../advisory/sbom-check.js');
        result = await withStore(o.data, (store) => checkSbom(store.vulndb, bytes));
        if (format === 'sarif' || format === 'csaf-vex') {
          const { findingsToCsafVex, findingsToSarif } = await import('../../advisory/findings-format.js');
          const now = new Date().toISOString();
          if (format === 'csaf-vex' && result.findings.length === 0) throw new Error('No findings: a VEX document needs at least one vulnerability.');
          rendered = format === 'sarif' ? `${JSON.stringify(findingsToSarif(result.findings, { artifact: file }), null, 2)}\n` : findingsToCsafVex(result.findings, { trackingId: `ACCORD-SBOM-${now.slice(0, 19).replace(/[-:T]/g, '')}`, publisherNamespace: 'https://accord.invalid', now });
        }
      } else {
        const g = cmd.optsWithGlobals<GlobalOpts>();
        const server = g.server ?? readEnv().ACCORD_SERVER;
        if (!server) throw new ClientError('CLIENT_CONFIG', 'No server: pass --server URL (or ACCORD_SERVER), or --data DIR to check locally.');
        const q = format === 'sarif' || format === 'csaf-vex' ? `?format=${format}` : '';
        const res = await fetch(new URL(`api/v1/check/sbom${q}`, server.endsWith('/') ? server : `${server}/`), { method: 'POST', headers: { 'content-type': 'application/octet-stream', accept: 'application/json' }, body: new Uint8Array(bytes) });
        const text = await res.text();
        if (!res.ok) {
          let p: { code?: string; detail?: string } = {};
          try {
            p = JSON.parse(text) as typeof p;
          } catch {
            /* not a problem document */
          }
          throw new ClientError('CLIENT_HTTP', `${res.status} ${p.code ?? ''}: ${p.detail ?? text.slice(0, 200)}`, res.status);
        }
        if (q) {
          rendered = text.endsWith('\n') ? text : `${text}\n`;
          result = { findings: [] } as unknown as SbomCheckResult;
        } else result = JSON.parse(text) as SbomCheckResult;
      }
      const out = rendered ?? (format === 'json' ? `${JSON.stringify(result.findings, null, 2)}\n` : null);
      if (out !== null) {
        if (o.output) writeFileSync(o.output, out);
        else process.stdout.write(out);
      } else printFindings(result);
      if (o.failOnFindings && result.findings.some((f) => !f.possible)) process.exitCode = 3;
    });

  advisory
    .command('import-osv <source>')
    .description('Import OSV records (osv.dev all.zip / an ecosystem zip, or a directory of .json) into a data directory, streamed and incremental')
    .requiredOption('--data <dir>', 'the data directory')
    .option('--batch <n>', 'records per transaction', '1000')
    .action(async (source: string, o: { data: string; batch: string }, cmd: Command) => {
      const { importOsv } = await import('../../advisory/osv-import.js');
      const tty = process.stderr.isTTY && !wantsJson(cmd);
      const t0 = performance.now();
      const stats = await withStore(o.data, (store) =>
        importOsv(osvFiles(source), store.vulndb, {
          batch: Math.max(1, Number(o.batch) || 1000),
          onProgress: (s) => {
            if (tty) process.stderr.write(`\r${s.files} files, ${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged, ${Object.values(s.skipped).reduce((a, b) => a + b, 0)} skipped`);
          },
        }),
      );
      if (tty) process.stderr.write('\n');
      const seconds = (performance.now() - t0) / 1000;
      const rate = Math.round(stats.records / Math.max(seconds, 0.001));
      if (wantsJson(cmd)) printJson({ ...stats, seconds: Math.round(seconds * 100) / 100, records_per_second: rate });
      else {
        process.stdout.write(`${stats.records} records from ${stats.files} files in ${seconds.toFixed(1)} s (${rate}/s): ${stats.inserted} new, ${stats.updated} updated, ${stats.unchanged} unchanged\n`);
        for (const [why, n] of Object.entries(stats.skipped)) process.stdout.write(`  skipped ${n}: ${why}\n`);
      }
    });
}
