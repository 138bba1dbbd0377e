import { mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import type { Command } from 'commander';
import { ClientError } from '../client.js';
import { clientFor, wantsJson, type GlobalOpts } from '../common.js';
import { printJson, printTable } from '../output.js';
import { openMatchInput, readJsonLines } from '../match-input.js';
import { readEnv } from '../../config/env.js';
import type { IndicatorInput } from '../../match/compile.js';
import type { Hit, MatchRun } from '../../match/matcher.js';

const FORMATS = { auto: undefined, jsonl: 'json', zeek: 'zeek-tsv', csv: 'csv', text: 'text' } as const;

/** The indicators to match: the server's (what your token may read; streamed NDJSON) or a local bundle / NDJSON file. */
async function* indicatorSource(cmd: Command, bundle: string | undefined): AsyncGenerator<IndicatorInput> {
  const { indicatorInputFromStix } = await import('../../match/compile.js');
  if (bundle) {
    const text = readFileSync(bundle, 'utf8');
    const trimmed = text.trimStart();
    // A bundle (or a JSON list); otherwise NDJSON of STIX objects, as `accord intel pull --out` writes.
    const objects: unknown[] = trimmed.startsWith('{') && !trimmed.includes('}\n{') ? ((JSON.parse(text) as { objects?: unknown[] }).objects ?? [JSON.parse(text)]) : trimmed.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    for (const o of objects) {
      // Unmarked indicators of a local file are treated as TLP:AMBER: the file's owner decides whom the hits reach.
      const input = o && typeof o === 'object' ? indicatorInputFromStix(o as Record<string, unknown>, 'AMBER') : undefined;
      if (input) yield input;
    }
    return;
  }
  const g = cmd.optsWithGlobals<GlobalOpts>();
  const env = readEnv();
  const server = g.server ?? env.ACCORD_SERVER;
  if (!server) throw new ClientError('CLIENT_CONFIG', 'No indicators: pass --server URL (or ACCORD_SERVER) or --indicators FILE.');
  const token = g.token ?? env.ACCORD_TOKEN;
  const res = await fetch(new URL('api/v1/match/indicators', server.endsWith('/') ? server : `${server}/`), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok || !res.body) throw new ClientError('CLIENT_HTTP', `${res.status}: fetching the indicators failed: ${(await res.text()).slice(0, 200)}`, res.status);
  const chunks = (async function* () {
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) yield Buffer.from(c);
  })();
  for await (const v of readJsonLines(chunks)) yield v as IndicatorInput;
}

function progressBar(total: number | undefined, read: () => number): { tick(): void; done(): void } {
  if (!process.stderr.isTTY || total === undefined || total === 0) return { tick() {}, done() {} };
  let last = 0;
  const draw = () => {
    const p = Math.min(1, read() / total);
    const width = 30;
    process.stderr.write(`\r[${'#'.repeat(Math.round(p * width)).padEnd(width)}] ${(p * 100).toFixed(0)}% ${(read() / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MiB`);
  };
  return {
    tick() {
      const now = Date.now();
      if (now - last > 200) {
        last = now;
        draw();
      }
    },
    done() {
      draw();
      process.stderr.write('\n');
    },
  };
}

/** `accord match …`: "have I seen this?" — logs against shared indicators, locally; and sensor exports. */
export function registerMatchCommands(program: Command): void {
  const match = program
    .command('match')
    .description('Match logs (JSON lines with ECS / Zeek / Suricata EVE fields, Zeek TSV, CSV, text; - for stdin; .gz read) against the indicators you may read, on this machine')
    .argument('[logs...]', 'log files')
    .option('--indicators <file>', 'a STIX bundle or NDJSON of indicators instead of the server\'s')
    .option('--format <auto|jsonl|zeek|csv|text>', 'the log format (default: detected per file)', 'auto')
    .option('--workers <n>', 'worker threads (default: the cores; 0 = this thread)')
    .option('--report-sightings', 'send a sighting per matched indicator back to the server (its author sees it)')
    .option('--max-hits <n>', 'stop printing after this many hits (counting goes on)', '1000000')
    .option('--fail-on-hits', 'exit 3 when anything matched (for scripts and CI)')
    .action(async (logs: string[], o: { indicators?: string; format: string; workers?: string; reportSightings?: boolean; maxHits: string; failOnHits?: boolean }, cmd: Command) => {
      if (logs.length === 0) throw new Error('Name at least one log file (or - for stdin).');
      if (!(o.format in FORMATS)) throw new Error('--format must be auto, jsonl, zeek, csv or text');
      const { compileIndicators } = await import('../../match/compile.js');
      const workers = o.workers === undefined ? Math.min(availableParallelism(), 8) : Math.max(0, Number(o.workers) || 0);
      const t0 = performance.now();
      const compiled = await compileIndicators(indicatorSource(cmd, o.indicators), { shared: workers > 0 });
      const json = wantsJson(cmd);
      if (!json) process.stderr.write(`${compiled.stats.total} indicators (${compiled.stats.compiled} compiled to lookups, ${compiled.stats.general} general patterns) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      const format = FORMATS[o.format as keyof typeof FORMATS];
      const maxHits = Number(o.maxHits) || 1_000_000;
      const perIndicator = new Map<string, number>();
      const rows: Record<string, unknown>[] = [];
      let printed = 0;
      let total = 0;
      const { MatcherPool } = await import('../../match/parallel.js');
      const { matchStream } = await import('../../match/matcher.js');
      const pool = workers > 0 ? new MatcherPool(compiled, { workers }) : undefined;
      try {
        for (const file of logs) {
          const input = openMatchInput(file);
          const bar = json ? { tick() {}, done() {} } : progressBar(input.size, () => input.bytesRead);
          const run: MatchRun = pool ? pool.match(input.chunks, format ? { format } : {}) : matchStream(compiled, input.chunks, format ? { format } : {});
          for await (const h of run as AsyncIterable<Hit>) {
            total++;
            perIndicator.set(h.indicator.id, (perIndicator.get(h.indicator.id) ?? 0) + 1);
            if (printed < maxHits) {
              printed++;
              if (json) process.stdout.write(`${JSON.stringify({ file: input.name, line: h.line, field: h.field, value: h.value, kind: h.kind, indicator_id: h.indicator.id, pattern: h.indicator.pattern, tlp: h.indicator.tlp, ...(h.indicator.name ? { name: h.indicator.name } : {}) })}\n`);
              else rows.push({ file: input.name, line: h.line, field: h.field, value: h.value, kind: h.kind, tlp: h.indicator.tlp, indicator: h.indicator.name ?? h.indicator.id });
            }
            bar.tick();
          }
          bar.done();
          const s = run.stats;
          const skipped = Object.entries(s.skipped).filter(([, n]) => (n as number) > 0).map(([k, n]) => `${k} ${String(n)}`).join(', ');
          process.stderr.write(`${input.name}: ${s.lines} lines (${s.format ?? 'unknown format'}), ${s.hits} hits in ${s.linesWithHits} lines, ${(s.bytesPerSecond / 1048576).toFixed(0)} MiB/s${skipped ? `; skipped: ${skipped}` : ''}\n`);
        }
      } finally {
        await pool?.close();
      }
      if (!json) {
        if (rows.length > 0) printTable(rows, ['file', 'line', 'field', 'value', 'kind', 'tlp', 'indicator']);
        else process.stdout.write('No hits.\n');
      }
      if (o.reportSightings && perIndicator.size > 0) {
        const client = clientFor(cmd);
        let sent = 0;
        for (const [id, count] of perIndicator) {
          try {
            await client.request('POST', `intel/objects/${encodeURIComponent(id)}/sightings`, { count, description: `Seen ${count} time(s) in logs by accord match` });
            sent++;
          } catch (err) {
            process.stderr.write(`sighting for ${id} not sent: ${(err as Error).message}\n`);
          }
        }
        process.stderr.write(`${sent} sighting(s) reported to the indicators' authors\n`);
      }
      if (o.failOnHits && total > 0) process.exitCode = 3;
    });

  match
    .command('export')
    .description('Write sensor files (Suricata datasets and IP reputation, a Zeek intel file, plain blocklists) of the indicators you may read into a directory')
    .requiredOption('--out <dir>', 'where to write (files are replaced)')
    .option('--indicators <file>', 'a STIX bundle or NDJSON of indicators instead of the server\'s')
    .option('--since <time>', 'incremental: only what changed after this (additions; removals in *.removed.* files)')
    .option('--format <f>', 'suricata-datasets, suricata-iprep, zeek-intel, blocklists (repeatable; default all)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--prefix <p>', 'file and dataset name prefix', 'accord')
    .action(async (o: { out: string; indicators?: string; since?: string; format?: string[]; prefix: string }, cmd: Command) => {
      const { exportSensorFiles } = await import('../../match/export.js');
      const started = new Set<string>();
      const summary = await exportSensorFiles(
        indicatorSource(cmd, o.indicators),
        {
          write(file, text) {
            const path = normalize(join(o.out, file));
            if (!path.startsWith(normalize(o.out))) throw new Error(`refusing to write outside ${o.out}: ${file}`);
            mkdirSync(dirname(path), { recursive: true });
            if (!started.has(path)) {
              writeFileSync(path, text);
              started.add(path);
            } else appendFileSync(path, text);
          },
        },
        { ...(o.since ? { since: o.since } : {}), ...(o.format ? { formats: o.format as never } : {}), prefix: o.prefix },
      );
      if (wantsJson(cmd)) printJson(summary);
      else {
        process.stdout.write(`${summary.indicators} indicators: ${summary.added} values added, ${summary.removed} removed, ${summary.notListable} not listable (general patterns), ${summary.tooWide} networks too wide\n`);
        printTable(Object.entries(summary.files).map(([file, lines]) => ({ file: join(o.out, file), lines })), ['file', 'lines']);
      }
    });
}
