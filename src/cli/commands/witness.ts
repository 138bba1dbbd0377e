import type { Command } from 'commander';
import { parseListen } from '../../config/config.js';
import { readEnv } from '../../config/env.js';
import { collect } from '../common.js';
import { printJson } from '../output.js';

// Like `accord serve`, the server side (Fastify, better-sqlite3) is imported when a
// subcommand runs, so `accord --help` and the client commands do not pay for it.

const DEFAULT_LISTEN = '127.0.0.1:8081';

export function registerWitnessCommands(program: Command): void {
  const witness = program
    .command('witness')
    .description('Run a transparency-log witness (c2sp.org/tlog-witness): cosign checkpoints of the logs you trust, refusing rollbacks and split views.')
    .addHelpText(
      'after',
      `
A witness keeps, per log, the latest checkpoint it cosigned, and cosigns a new one only
with a valid log signature and a consistency proof from that checkpoint. Logs call
POST <prefix>/add-checkpoint; monitors may read GET <prefix>/<sha256(origin) hex>/checkpoint.

Example:
  accord witness init --data ./witness --name witness.example.org/w1
  accord witness serve --data ./witness --listen 0.0.0.0:8081 --log "$(jq -r .log_vkey init.json)"`,
    );

  witness
    .command('init')
    .description('Create a witness data directory: a new Ed25519 witness key (witness.key, 0600), witness.json and the state database. Prints one JSON object with witness_name and witness_vkey.')
    .requiredOption('--data <dir>', 'directory to create (refused if it already holds a witness)')
    .option('--name <name>', 'the witness name, conventionally a schema-less URL (default: accord.local/witness-<random>)')
    .addHelpText('after', '\nGive witness_vkey (signature type 0x04, c2sp.org/tlog-cosignature) to the logs and verifiers that should trust this witness.')
    .action(async (o: { data: string; name?: string }) => {
      const { initWitnessDir } = await import('../../witness/witness-dir.js');
      printJson(initWitnessDir(o.data, o.name === undefined ? {} : { name: o.name }));
    });

  witness
    .command('serve')
    .description('Run the witness on an initialised data directory, for the logs given with --log (or those configured last time).')
    .requiredOption('--data <dir>', 'directory made by `accord witness init`')
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option(
      '--log <vkey>',
      "a log's verifier key (name+id+base64); its key name is the log origin, unless given after a space (--log '<vkey> <origin>'). Repeat for several logs, or several keys of one log. Replaces the stored list.",
      collect,
    )
    .option('--prefix <path>', 'submission prefix, e.g. /witness (default: none)')
    .option('--monitoring-prefix <path>', 'monitoring prefix (default: the submission prefix)')
    .addHelpText('after', '\nEnvironment: ACCORD_LOG_LEVEL (default info). Stop with SIGINT or SIGTERM.')
    .action(async (o: { data: string; listen: string; log?: string[]; prefix?: string; monitoringPrefix?: string }) => {
      const listen = parseListen(o.listen);
      const [{ openWitnessDir }, { buildWitnessApp }, { witnessLogsFromVkeys, WitnessError }, { createLoggers }] = await Promise.all([
        import('../../witness/witness-dir.js'),
        import('../../witness/app.js'),
        import('../../ledger/witness.js'),
        import('../../logger.js'),
      ]);
      // Checked before anything is opened or stored.
      const logVkeys = o.log ?? [];
      const prefix = o.prefix ?? '';
      const given = logVkeys.length > 0 ? witnessLogsFromVkeys(logVkeys) : undefined;
      const dir = openWitnessDir(o.data);
      try {
        if (given !== undefined) dir.store.replaceLogVkeys(logVkeys);
        const vkeys = dir.store.readLogVkeys();
        if (vkeys.length === 0) throw new WitnessError('WITNESS_CONFIG_INVALID', 'No logs configured: give at least one --log <vkey>.');
        const logs = given ?? witnessLogsFromVkeys(vkeys);
        const level = readEnv().ACCORD_LOG_LEVEL ?? 'info';
        const app = buildWitnessApp({
          logs,
          cosigners: [dir.cosigner],
          store: dir.store,
          prefix,
          ...(o.monitoringPrefix === undefined ? {} : { monitoringPrefix: o.monitoringPrefix }),
          logger: createLoggers(level).root.child({ subsystem: 'witness' }),
        });
        const close = async (signal: string) => {
          app.log.info({ signal }, 'shutting down');
          await app.close();
          dir.store.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void close('SIGINT'));
        process.once('SIGTERM', () => void close('SIGTERM'));
        const address = await app.listen({ host: listen.host, port: listen.port });
        process.stderr.write(`accord: witness ${dir.name} serving ${address}${prefix} for ${logs.size} log(s): ${[...logs.keys()].join(', ')}\naccord: witness vkey ${dir.vkey}\n`);
      } catch (err) {
        dir.store.close();
        throw err;
      }
    });
}
