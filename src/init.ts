import { randomBytes } from 'node:crypto';
import { rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './config/config.js';
import { buildServices, createContext, openStore } from './context.js';
import { paths, prepareNewDataDir, writeFileAtomic, type DataDirManifest } from './data-dir.js';
import { encodeSignerKey, generateSeed, isValidKeyName, signerFromSeed, verifierKey } from './ledger/note-key.js';
import { createLoggers } from './logger.js';
import { bootstrap } from './registry/bootstrap.js';
import { systemClock, type Clock } from './registry/clock.js';
import { seedDemo, type DemoSummary } from './demo.js';
import { publishDemoRelease, type DemoRelease } from './demo-release.js';
import { publishDemoIntel, type DemoIntel } from './demo-intel.js';
import { publishDemoDisclosure, type DemoDisclosure } from './demo-disclosure.js';
import { ConfigError } from './config/config.js';
import { isStrongEnoughToken } from './registry/secrets.js';

export interface InitOptions {
  adminEmail?: string;
  adminName?: string;
  adminToken?: string;
  coalitionName?: string;
  logOrigin?: string;
  demo?: boolean;
  clock?: Clock;
}

export interface InitResult {
  data_dir: string;
  database: 'sqlite' | 'postgres';
  admin_email: string;
  admin_token: string;
  log_origin: string;
  log_vkey: string;
  demo?: DemoSummary & { release?: DemoRelease; intel?: DemoIntel; disclosure?: DemoDisclosure };
}

/**
 * `accord init`: a new data directory (log key 0600, manifest), the
 * secretariat, the first admin and the founding pledges; with `demo`, the
 * demo data. Refuses an initialised directory or database and changes nothing.
 */
export async function initDataDir(config: Config, options: InitOptions = {}): Promise<InitResult> {
  const origin = options.logOrigin ?? `accord.local/log-${randomBytes(4).toString('hex')}`;
  if (!isValidKeyName(origin)) throw new ConfigError('CONFIG_INVALID', 'The log origin must be non-empty with no spaces or plus signs.');
  // Checked here too (bootstrap checks it again), so a bad token is refused before anything is created.
  if (options.adminToken !== undefined && !isStrongEnoughToken(options.adminToken)) {
    throw new ConfigError('CONFIG_INVALID', 'The admin token (ACCORD_ADMIN_TOKEN) must be at least 24 printable ASCII characters without spaces; nothing was created.');
  }
  const createdDir = prepareNewDataDir(config.dataDir);
  const p = paths(config.dataDir);
  const createdSqlite = config.databaseUrl === null;
  let wroteKey = false;
  let wroteManifest = false;
  // On failure, leave nothing behind: our database file, our key, the directories we created.
  const undo = () => {
    if (createdSqlite) removeSqlite(p.sqlite);
    if (wroteKey) rmSync(p.logKey, { force: true });
    if (wroteManifest) rmSync(p.manifest, { force: true });
    rmSync(join(config.dataDir, 'demo'), { recursive: true, force: true });
    removeCreatedDirs(config.dataDir, createdDir);
  };
  const clock = options.clock ?? systemClock;
  const loggers = createLoggers('silent');
  let store;
  try {
    store = await openStore(config);
  } catch (err) {
    undo();
    throw err;
  }
  try {
    const services = buildServices(store, loggers, clock);
    const boot = await bootstrap(services.registry, services.orgs, services.members, {
      adminEmail: options.adminEmail ?? 'admin@secretariat.invalid',
      adminName: options.adminName ?? 'Secretariat admin',
      adminToken: options.adminToken,
      coalitionName: options.coalitionName ?? 'Accord secretariat',
    });
    const demo = options.demo ? await seedDemo(services, boot) : undefined;
    const seed = generateSeed();
    const signer = signerFromSeed(origin, seed);
    const vkey = verifierKey(origin, signer.publicKey);
    // The key before the manifest: a directory with a manifest always has its key.
    writeFileAtomic(p.logKey, encodeSignerKey(origin, seed) + '\n', 0o600);
    wroteKey = true;
    const manifest: DataDirManifest = {
      version: 1,
      created_at: clock.now().toISOString(),
      database: config.databaseUrl ? 'postgres' : 'sqlite',
      log_origin: origin,
      log_vkey: vkey,
    };
    writeFileAtomic(p.manifest, JSON.stringify(manifest, null, 2) + '\n', 0o644);
    wroteManifest = true;
    await store.close();
    store = undefined;
    if (demo) {
      // The demo's release goes through the real server path: key registration, signature check, log inclusion.
      // Silent: init prints exactly one JSON object on stdout.
      const ctx = await createContext({ ...config, logLevel: 'silent' }, { clock });
      try {
        const northwind = demo.tokens.find((t) => t.org === 'demo-northwind' && t.role === 'org-admin')!;
        (demo as DemoSummary & { release?: DemoRelease }).release = await publishDemoRelease(ctx, northwind.token, northwind.org);
        (demo as DemoSummary & { intel?: DemoIntel }).intel = await publishDemoIntel(ctx, demo.tokens);
        (demo as DemoSummary & { disclosure?: DemoDisclosure }).disclosure = await publishDemoDisclosure(ctx, demo.tokens, boot.admin_token);
      } finally {
        await ctx.close();
      }
    }
    return {
      data_dir: config.dataDir,
      database: manifest.database,
      admin_email: boot.admin_email,
      admin_token: boot.admin_token,
      log_origin: origin,
      log_vkey: vkey,
      ...(demo ? { demo } : {}),
    };
  } catch (err) {
    await store?.close();
    store = undefined;
    undo();
    throw err;
  } finally {
    await store?.close();
  }
}

function removeSqlite(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

/** Removes `dir` and its parents up to `firstCreated` (what mkdir -p made), each only if empty. */
function removeCreatedDirs(dir: string, firstCreated: string | undefined): void {
  if (firstCreated === undefined) return;
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === firstCreated) return;
  }
}
