import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { COSIGNATURE_TYPE, cosignerVerifierKey } from '../ledger/cosignature.js';
import type { Cosigner } from '../ledger/cosignature.js';
import { decodeSignerKey, encodeSignerKey, generateSeed, isValidKeyName, noteKeyId, signerFromSeed } from '../ledger/note-key.js';
import { WitnessDirError } from './errors.js';
import { SqliteWitnessStore } from './sqlite-store.js';

/**
 * A witness's data directory: `witness.key` (the signed-note private key text,
 * 0600), `witness.json` (name and cosigner vkey, public) and `witness.db` (the
 * latest cosigned checkpoint per log and the configured logs).
 */

export const witnessPaths = (dir: string) => ({
  key: join(dir, 'witness.key'),
  manifest: join(dir, 'witness.json'),
  state: join(dir, 'witness.db'),
});

/** What `witness.json` records (never secrets). */
export interface WitnessManifest {
  version: 1;
  name: string;
  /** The cosigner verifier key (signature type 0x04) logs and clients configure. */
  vkey: string;
  created_at: string;
}

/** What `accord witness init` prints. */
export interface WitnessInitResult {
  data_dir: string;
  witness_name: string;
  witness_vkey: string;
}

export interface OpenedWitnessDir {
  readonly name: string;
  readonly vkey: string;
  readonly cosigner: Cosigner;
  readonly store: SqliteWitnessStore;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a new file durably and without ever replacing one: temp file with `mode`,
 * fsync, hard link to the final name (fails if it exists), directory fsync.
 * A crash leaves either no file or the whole file, never half of it.
 */
function createFileDurably(path: string, contents: string, mode: number): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    fchmodSync(fd, mode); // the umask must not widen or narrow it
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } finally {
    unlinkSync(tmp);
  }
  fsyncDir(dirname(path));
}

/** The cosigner of a signed-note private key: same Ed25519 key, key ID of signature type 0x04. */
export function cosignerFromKeyText(text: string): Cosigner {
  const signer = decodeSignerKey(text);
  return { name: signer.name, keyId: noteKeyId(signer.name, COSIGNATURE_TYPE, signer.publicKey), privateKey: signer.privateKey, publicKey: signer.publicKey };
}

/**
 * `accord witness init`: creates the directory (0700) with a new witness key
 * (0600), `witness.json` and an empty state database. Refuses a directory that
 * already has any of them, changing nothing.
 */
export function initWitnessDir(dir: string, options: { name?: string; now?: Date } = {}): WitnessInitResult {
  const dataDir = resolve(dir);
  const name = options.name ?? `accord.local/witness-${randomBytes(4).toString('hex')}`;
  if (!isValidKeyName(name)) throw new WitnessDirError('WITNESS_DIR_INVALID', 'A witness name must be non-empty, without spaces or plus signs.');
  const p = witnessPaths(dataDir);
  for (const f of [p.key, p.manifest, p.state]) {
    if (existsSync(f)) throw new WitnessDirError('WITNESS_DIR_ALREADY_INITIALISED', `${dataDir} already holds a witness (${f}); nothing was changed.`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const seed = generateSeed();
  const signer = signerFromSeed(name, seed);
  const vkey = cosignerVerifierKey(name, signer.publicKey);
  // The key first: a directory with a manifest always has its key.
  try {
    createFileDurably(p.key, `${encodeSignerKey(name, seed)}\n`, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new WitnessDirError('WITNESS_DIR_ALREADY_INITIALISED', `${dataDir} already holds a witness key; nothing was changed.`);
    throw err;
  }
  const manifest: WitnessManifest = { version: 1, name, vkey, created_at: (options.now ?? new Date()).toISOString() };
  createFileDurably(p.manifest, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  SqliteWitnessStore.open(p.state).close();
  return { data_dir: dataDir, witness_name: name, witness_vkey: vkey };
}

function readManifest(file: string): WitnessManifest {
  let m: WitnessManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as WitnessManifest;
  } catch (cause) {
    throw new WitnessDirError('WITNESS_DIR_INVALID', `${file} is not readable: ${(cause as Error).message}`, { cause });
  }
  if (m === null || typeof m !== 'object' || m.version !== 1 || typeof m.name !== 'string' || typeof m.vkey !== 'string') {
    throw new WitnessDirError('WITNESS_DIR_INVALID', `${file} is not a version 1 witness manifest`);
  }
  return m;
}

/** Opens an initialised witness directory: its key (must be private), manifest (must match the key) and state. */
export function openWitnessDir(dir: string): OpenedWitnessDir {
  const dataDir = resolve(dir);
  const p = witnessPaths(dataDir);
  if (!existsSync(p.key)) {
    throw new WitnessDirError('WITNESS_DIR_NOT_INITIALISED', `${dataDir} has no witness key; run \`accord witness init --data ${dir}\` first.`);
  }
  if (process.platform !== 'win32' && (statSync(p.key).mode & 0o077) !== 0) {
    throw new WitnessDirError('WITNESS_DIR_INVALID', `${p.key} is readable by other users; run \`chmod 600 ${p.key}\`.`);
  }
  let cosigner: Cosigner;
  try {
    cosigner = cosignerFromKeyText(readFileSync(p.key, 'utf8'));
  } catch (cause) {
    throw new WitnessDirError('WITNESS_DIR_INVALID', `${p.key} is not a signed-note private key: ${(cause as Error).message}`, { cause });
  }
  const manifest = readManifest(p.manifest);
  const vkey = cosignerVerifierKey(cosigner.name, cosigner.publicKey);
  if (manifest.name !== cosigner.name || manifest.vkey !== vkey) {
    throw new WitnessDirError('WITNESS_DIR_INVALID', `${p.manifest} does not describe the key in ${p.key}`);
  }
  return { name: cosigner.name, vkey, cosigner, store: SqliteWitnessStore.open(p.state) };
}
