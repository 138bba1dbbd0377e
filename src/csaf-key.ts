import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProviderKey, signDetached } from './advisory/provider.js';
import { writeFileAtomic } from './data-dir.js';

/** The CSAF provider's OpenPGP key pair (armored), kept in the data directory. */
export interface CsafKey {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
  sign(bytes: Uint8Array): Promise<string>;
}

export const csafKeyPath = (dataDir: string) => join(dataDir, 'csaf-signing.key.json');

/**
 * Loads the provider key, creating it (mode 0600, written atomically) on first
 * use. Nodes sharing a PostgreSQL database must share this file, like log.key.
 */
export async function loadCsafKey(dataDir: string, identity: { name: string; email: string }): Promise<CsafKey> {
  const path = csafKeyPath(dataDir);
  let stored: { privateKey: string; publicKey: string; fingerprint: string };
  if (existsSync(path)) {
    stored = JSON.parse(readFileSync(path, 'utf8')) as typeof stored;
  } else {
    const k = await generateProviderKey(identity.name, identity.email);
    stored = { privateKey: k.armoredPrivateKey, publicKey: k.armoredPublicKey, fingerprint: k.fingerprint };
    writeFileAtomic(path, `${JSON.stringify(stored, null, 2)}\n`, 0o600);
  }
  return { ...stored, sign: (bytes) => signDetached(bytes, stored.privateKey) };
}
