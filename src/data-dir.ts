import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AccordError } from './errors.js';

export type DataDirErrorCode = 'DATA_DIR_NOT_INITIALISED' | 'DATA_DIR_ALREADY_INITIALISED' | 'DATA_DIR_INVALID';
export class DataDirError extends AccordError<DataDirErrorCode> {}

/** What `accord init` records about an installation (never secrets). */
export interface DataDirManifest {
  version: 1;
  created_at: string;
  database: 'sqlite' | 'postgres';
  log_origin: string;
  log_vkey: string;
}

export const paths = (dir: string) => ({
  manifest: join(dir, 'accord.json'),
  logKey: join(dir, 'log.key'),
  sqlite: join(dir, 'accord.db'),
});

/** Writes a file durably and atomically: temp file (O_EXCL, `mode`), fsync, rename, fsync of the directory. */
export function writeFileAtomic(path: string, contents: string, mode: number): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // The rename is durable only once the directory entry is: fsync the directory too.
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Creates the data directory (mode 0700) if needed; refuses one that is already initialised.
 * Returns the first directory it created (as `mkdir -p` does), or undefined if `dir` existed.
 */
export function prepareNewDataDir(dir: string): string | undefined {
  const p = paths(dir);
  if (existsSync(p.manifest) || existsSync(p.logKey)) {
    throw new DataDirError('DATA_DIR_ALREADY_INITIALISED', `${dir} is already initialised; nothing was changed. Use another directory or remove it first.`);
  }
  if (existsSync(p.sqlite)) {
    throw new DataDirError('DATA_DIR_ALREADY_INITIALISED', `${dir} already holds a database (accord.db); nothing was changed.`);
  }
  return mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function readManifest(dir: string): DataDirManifest {
  const p = paths(dir);
  if (!existsSync(p.manifest)) {
    throw new DataDirError('DATA_DIR_NOT_INITIALISED', `${dir} is not an Accord data directory; run \`accord init --data ${dir}\` first.`);
  }
  try {
    const m = JSON.parse(readFileSync(p.manifest, 'utf8')) as DataDirManifest;
    if (m.version !== 1 || typeof m.log_origin !== 'string') throw new Error('unknown manifest version');
    return m;
  } catch (err) {
    throw new DataDirError('DATA_DIR_INVALID', `${p.manifest} is not readable: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Refuses a data directory initialised for the other database: a PostgreSQL installation
 * served without ACCORD_DATABASE_URL would otherwise get a new, empty SQLite database
 * signed with the coalition's log key.
 */
export function checkDatabaseKind(dir: string, manifest: DataDirManifest, databaseUrl: string | null): void {
  const configured = databaseUrl === null ? 'sqlite' : 'postgres';
  if (manifest.database === configured) return;
  throw new DataDirError(
    'DATA_DIR_INVALID',
    manifest.database === 'postgres'
      ? `${dir} was initialised with PostgreSQL; set ACCORD_DATABASE_URL to its database.`
      : `${dir} was initialised with the embedded SQLite database; unset ACCORD_DATABASE_URL to serve it.`,
  );
}

export function readLogKey(dir: string): string {
  try {
    return readFileSync(paths(dir).logKey, 'utf8');
  } catch (err) {
    throw new DataDirError('DATA_DIR_INVALID', `Cannot read the log signing key in ${dir}: ${(err as Error).message}`, { cause: err });
  }
}
