import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** C2SP signed-note signature type for Ed25519 (c2sp.org/signed-note §Signature types). */
export const ED25519_TYPE = 0x01;

/** A signed-note Ed25519 signer: the key name, its 4-byte key ID, and the key itself. */
export interface NoteSigner {
  name: string;
  keyId: Uint8Array;
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

/** Key names are non-empty, with no Unicode spaces and no plus signs (c2sp.org/signed-note). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** key ID = SHA-256(name || 0x0A || type || public key)[:4]. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  const h = createHash('sha256');
  h.update(name, 'utf8');
  h.update(Uint8Array.of(0x0a, type));
  h.update(publicKey);
  return new Uint8Array(h.digest().subarray(0, 4));
}

/** The verifier key text `name+hash+base64(type||key)` clients configure. */
export function verifierKey(name: string, publicKey: Uint8Array): string {
  const id = Buffer.from(noteKeyId(name, ED25519_TYPE, publicKey)).toString('hex');
  const body = Buffer.concat([Uint8Array.of(ED25519_TYPE), publicKey]).toString('base64');
  return `${name}+${id}+${body}`;
}

/** The private key text `PRIVATE+KEY+name+hash+base64(type||seed)`, as Go's x/mod/sumdb/note writes it. */
export function encodeSignerKey(name: string, seed: Uint8Array): string {
  const signer = signerFromSeed(name, seed);
  const id = Buffer.from(signer.keyId).toString('hex');
  return `PRIVATE+KEY+${name}+${id}+${Buffer.concat([Uint8Array.of(ED25519_TYPE), seed]).toString('base64')}`;
}

/** Parses a private key text; throws on anything malformed or inconsistent. */
export function decodeSignerKey(text: string): NoteSigner {
  // The base64 part may itself contain '+', so match the fixed-shape prefix instead of splitting.
  const m = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text.trim());
  if (!m) throw new Error('not a signed-note private key');
  const [, name = '', hash = '', b64 = ''] = m;
  if (!isValidKeyName(name)) throw new Error('malformed signed-note private key');
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw new Error('unsupported signed-note private key');
  const signer = signerFromSeed(name, raw.subarray(1));
  if (Buffer.from(signer.keyId).toString('hex') !== hash) throw new Error('signed-note private key hash does not match');
  return signer;
}

/** Builds a signer from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw new Error(`invalid key name: ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  // PKCS#8 prefix for a raw Ed25519 private key (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { name, keyId: noteKeyId(name, ED25519_TYPE, publicKey), privateKey, publicKey };
}

/** A fresh random Ed25519 seed. */
export function generateSeed(): Uint8Array {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - 32));
}
