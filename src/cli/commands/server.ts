import type { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/config.js';
import { readEnv } from '../../config/env.js';
import { checkDatabaseKind, readManifest } from '../../data-dir.js';
import { canReleaseFreedMemory } from '../../native-memory.js';

// The server side (Fastify, Kysely, the database drivers) is imported when `init` or `serve`
// runs, not at start-up: it is ~0.4 s of loading that every client command and --help would pay.

/** Where `vite build` puts the console, next to the compiled CLI. */
export function defaultWebRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
}

export function registerServerCommands(program: Command): void {
  program
    .command('init')
    .description('Create a data directory: database, log signing key (0600), the secretariat and its first admin. Prints one JSON object.')
    .requiredOption('--data <dir>', 'data directory to create (refused if already initialised)')
    .option('--demo', 'add clearly labelled demo data (signatories, pledges, applications, …)')
    .option('--admin-email <email>', "the first admin's e-mail", 'admin@secretariat.invalid')
    .option('--admin-name <name>', "the first admin's name", 'Secretariat admin')
    .option('--coalition-name <name>', "the secretariat organisation's name", 'Accord secretariat')
    .option('--log-origin <origin>', 'the transparency log origin / key name (default: accord.local/log-<random>)')
    .addHelpText('after', '\nEnvironment: ACCORD_ADMIN_TOKEN sets the admin token (else random); ACCORD_DATABASE_URL=postgres://… uses PostgreSQL.')
    .action(async (o: { data: string; demo?: boolean; adminEmail: string; adminName: string; coalitionName: string; logOrigin?: string }) => {
      const env = readEnv();
      const config = loadConfig(env, { dataDir: o.data });
      const { initDataDir } = await import('../../init.js');
      const result = await initDataDir(config, {
        demo: o.demo === true,
        adminEmail: o.adminEmail,
        adminName: o.adminName,
        adminToken: env.ACCORD_ADMIN_TOKEN,
        coalitionName: o.coalitionName,
        logOrigin: o.logOrigin,
      });
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    });

  program
    .command('serve')
    .description('Run the server (REST API, console, and the pillars) on an initialised data directory.')
    .requiredOption('--data <dir>', 'data directory made by `accord init`')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080 or ACCORD_LISTEN)')
    .option('--web <dir>', 'directory of the built web console', defaultWebRoot())
    .action(async (o: { data: string; listen?: string; web: string }) => {
      const config = loadConfig(readEnv(), { dataDir: o.data, listen: o.listen });
      checkDatabaseKind(config.dataDir, readManifest(config.dataDir), config.databaseUrl);
      const [{ createContext }, { buildApp }] = await Promise.all([import('../../context.js'), import('../../http/app.js')]);
      const ctx = await createContext(config);
      const app = await buildApp(ctx, { webRoot: resolve(o.web) });
      const close = async (signal: string) => {
        app.log.info({ signal }, 'shutting down');
        await app.close();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void close('SIGINT'));
      process.once('SIGTERM', () => void close('SIGTERM'));
      const address = await app.listen({ host: config.listen.host, port: config.listen.port });
      if (process.platform === 'linux' && !canReleaseFreedMemory()) {
        app.log.warn('freed memory cannot be returned to the system (native/malloc-trim not built, or not glibc): a large ingest leaves it with the process (docs/operations.md)');
      }
      process.stderr.write(`accord: serving ${address} (database: ${ctx.store.capabilities.name}, log: ${ctx.log.origin})\n`);
    });
}
