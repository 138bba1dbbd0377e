import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { readEnv } from '../../config/env.js';
import { formatPolicy, checkPolicy, type WitnessConfig } from '../../ledger/policy.js';
import { clientFor, collect, int, wantsJson } from '../common.js';
import { printJson, printTable } from '../output.js';
import type { MonitorState } from '../../ledger/monitor.js';

/** Opens the data directory's database (not the server) for local configuration. */
async function withLocal<T>(dataDir: string, fn: (ctx: {
  witnesses: WitnessConfig[];
  quorum: number;
  logVkey: string;
  save(w: WitnessConfig[], quorum: number): Promise<void>;
}) => Promise<T>): Promise<T> {
  const [{ openStore, configuredWitnesses, QUORUM_SETTING, WITNESSES_SETTING }, { readManifest }] = await Promise.all([
    import('../../context.js'),
    import('../../data-dir.js'),
  ]);
  const config = loadConfig(readEnv(), { dataDir });
  const manifest = readManifest(config.dataDir);
  const store = await openStore(config);
  try {
    const witnesses = await configuredWitnesses(store.registry);
    const quorum = (await store.registry.getSetting<number>(QUORUM_SETTING)) ?? 0;
    return await fn({
      witnesses,
      quorum,
      logVkey: manifest.log_vkey,
      async save(w, q) {
        checkPolicy({ logVkey: manifest.log_vkey, witnesses: w, quorum: q });
        await store.registry.transaction(async (tx) => {
          await tx.putSetting(WITNESSES_SETTING, w);
          await tx.putSetting(QUORUM_SETTING, q);
        });
      },
    });
  } finally {
    await store.close();
  }
}

interface MonitorFile {
  log_vkey: string;
  state: MonitorState | null;
}

/** `accord log monitor`: exit 0 when the log is consistent, 3 when it is not (evidence printed), 1 on other errors. */
async function runMonitor(o: { server?: string; state: string; vkey?: string; watchKey?: string[]; watchPurl?: string[]; follow?: boolean; interval: number }, cmd: Command): Promise<void> {
  const { mkdirSync, readFileSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { writeFileAtomic } = await import('../../data-dir.js');
  const { monitorOnce, LogInconsistencyError } = await import('../../ledger/monitor.js');
  const { parseVerifierKey } = await import('../../ledger/note-verifier.js');
  const client = clientFor(cmd);
  mkdirSync(o.state, { recursive: true, mode: 0o700 });
  const file = join(o.state, 'monitor.json');
  const saved: MonitorFile | null = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MonitorFile) : null;
  const vkey = o.vkey ?? saved?.log_vkey;
  if (!vkey) throw new Error('the first run needs --vkey (the log verifier key from `accord init` or the log policy)');
  if (saved && o.vkey && o.vkey !== saved.log_vkey) throw new Error(`--vkey differs from the key this state directory monitors (${saved.log_vkey})`);
  const log = parseVerifierKey(vkey);
  let state = saved?.state ?? null;
  const base = client.base;
  const get = async (path: string) => {
    const res = await fetch(new URL(path, base));
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return res;
  };
  const json = wantsJson(cmd);
  for (;;) {
    try {
      state = await monitorOnce({ origin: log.name, log, watchKeys: o.watchKey, watchPurls: o.watchPurl }, state, {
        text: async (p) => (await get(p)).text(),
        bytes: async (p) => new Uint8Array(await (await get(p)).arrayBuffer()),
        save: async (s) => writeFileAtomic(file, JSON.stringify({ log_vkey: vkey, state: s } satisfies MonitorFile, null, 2) + '\n', 0o600),
        report: (f) => process.stdout.write(json ? JSON.stringify(f) + '\n' : `entry ${f.index}: ${f.entry} matching watched ${f.match} ${f.watched} ${JSON.stringify(f.detail)}\n`),
      });
      if (!json) process.stderr.write(`accord: log ${log.name} verified to size ${state.size}\n`);
    } catch (err) {
      if (err instanceof LogInconsistencyError) {
        process.stderr.write(`accord: LOG INCONSISTENCY: ${err.message}\n`);
        process.exitCode = 3;
        return;
      }
      if (!o.follow) throw err;
      process.stderr.write(`accord: ${(err as Error).message}; retrying\n`);
    }
    if (!o.follow) return;
    await new Promise((r) => setTimeout(r, o.interval * 1000));
  }
}

/** `accord log …`: the log's witnesses, quorum and trust policy. */
export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('The transparency log: witnesses, quorum and the trust policy');
  const witness = log.command('witness').description("Witnesses the log asks to cosign each checkpoint (stored in the log's database)");
  witness
    .command('add')
    .description('Add a witness (its tlog-witness submission prefix URL and cosigner vkey)')
    .requiredOption('--data <dir>', 'the log server data directory')
    .requiredOption('--url <url>', "the witness's submission prefix, e.g. http://127.0.0.1:8081")
    .requiredOption('--vkey <vkey>', "the witness's cosigner verifier key (from `accord witness init`)")
    .option('--name <name>', 'a short name for policies (default: the vkey key name)')
    .action(async (o: { data: string; url: string; vkey: string; name?: string }) => {
      const url = new URL(o.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('--url must be an http or https URL');
      const name = o.name ?? o.vkey.split('+')[0]!.replace(/[^\x21-\x7e]/g, '_');
      await withLocal(o.data, async (l) => {
        if (l.witnesses.some((w) => w.name === name)) throw new Error(`a witness named ${name} is already configured`);
        await l.save([...l.witnesses, { name, vkey: o.vkey, url: o.url.replace(/\/+$/, '') }], l.quorum);
        process.stdout.write(`added witness ${name}; quorum is ${l.quorum} of ${l.witnesses.length + 1}\n`);
      });
    });
  witness
    .command('remove <name>')
    .description('Remove a witness (the quorum is lowered if it would exceed the witnesses left)')
    .requiredOption('--data <dir>', 'the log server data directory')
    .action(async (name: string, o: { data: string }) => {
      await withLocal(o.data, async (l) => {
        const rest = l.witnesses.filter((w) => w.name !== name);
        if (rest.length === l.witnesses.length) throw new Error(`no witness named ${name}`);
        await l.save(rest, Math.min(l.quorum, rest.length));
        process.stdout.write(`removed witness ${name}\n`);
      });
    });
  witness
    .command('list')
    .description('List the configured witnesses')
    .requiredOption('--data <dir>', 'the log server data directory')
    .action(async (o: { data: string }, cmd: Command) => {
      await withLocal(o.data, async (l) => {
        if (wantsJson(cmd)) printJson({ witnesses: l.witnesses, quorum: l.quorum });
        else printTable(l.witnesses as unknown as Record<string, unknown>[], ['name', 'url', 'vkey']);
      });
    });
  log
    .command('quorum <k>')
    .description('How many witnesses must cosign a checkpoint for clients to accept it (0 = none)')
    .requiredOption('--data <dir>', 'the log server data directory')
    .action(async (k: string, o: { data: string }) => {
      const q = int('quorum')(k);
      await withLocal(o.data, async (l) => {
        await l.save(l.witnesses, q);
        process.stdout.write(`quorum is ${q} of ${l.witnesses.length}\n`);
      });
    });
  log
    .command('monitor')
    .description('Verify the log is append-only and report new entries for watched keys or purls; resumes where it stopped')
    .requiredOption('--state <dir>', 'where the last verified checkpoint and position are kept')
    .option('--vkey <vkey>', 'the log verifier key (needed on the first run; remembered)')
    .option('--watch-key <keyid>', 'report releases signed by, and registry changes of, this key id (repeatable)', collect)
    .option('--watch-purl <purl>', 'report releases of this package, e.g. pkg:npm/left-pad (repeatable)', collect)
    .option('--follow', 'keep polling')
    .option('--interval <seconds>', 'polling interval with --follow', int('--interval'), 10)
    .addHelpText('after', '\nExit codes: 0 consistent; 3 the log is inconsistent (shrank, split view, or a failed consistency proof); 1 any other error.')
    .action(runMonitor);
  log
    .command('policy')
    .description('Print the c2sp.org/tlog-policy clients should trust (from --server, or --data locally)')
    .option('--data <dir>', 'read the local data directory instead of a server')
    .action(async (o: { data?: string }, cmd: Command) => {
      if (o.data) {
        await withLocal(o.data, async (l) => {
          process.stdout.write(formatPolicy({ logVkey: l.logVkey, witnesses: l.witnesses, quorum: l.quorum }));
        });
      } else {
        process.stdout.write(await clientFor(cmd).request<string>('GET', 'log/policy'));
      }
    });
}
