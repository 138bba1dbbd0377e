import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { nodeEd25519, type Ed25519Verifier } from './ed25519.js';
import { ReleaseError } from './errors.js';
import { isSmallOrderEd25519 } from './small-order.js';

export { isSmallOrderEd25519 };

/** The release-signing algorithms Accord accepts (the same as the registry's keys). */
export type ReleaseKeyAlgorithm = 'ed25519' | 'ecdsa-p256';
export const RELEASE_KEY_ALGORITHMS: readonly ReleaseKeyAlgorithm[] = ['ed25519', 'ecdsa-p256'];

/** Longest PEM text accepted for a key (an ECDSA P-256 SPKI PEM is ~180 characters). */
export const MAX_KEY_PEM_LENGTH = 10_000;

/** A public key that may verify release signatures. */
export interface ReleasePublicKey {
  /** SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex: the DSSE `keyid` and the registry's `key_id`. */
  readonly keyId: string;
  readonly algorithm: ReleaseKeyAlgorithm;
  /** Normalised SPKI PEM. */
  readonly pem: string;
  readonly key: KeyObject;
  /** Ed25519 only: the 32-byte public key (what libsodium verifies with). */
  readonly raw?: Uint8Array;
}

/** A private key that signs releases, with its public half. */
export interface ReleasePrivateKey {
  readonly algorithm: ReleaseKeyAlgorithm;
  readonly key: KeyObject;
  readonly publicKey: ReleasePublicKey;
}

function keyError(message: string, cause?: unknown): ReleaseError<'RELEASE_KEY_INVALID'> {
  return new ReleaseError('RELEASE_KEY_INVALID', message, cause === undefined ? {} : { cause });
}

function algorithmOf(key: KeyObject): ReleaseKeyAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  throw keyError('only Ed25519 and ECDSA P-256 keys are accepted');
}

function wrapPublic(key: KeyObject): ReleasePublicKey {
  const algorithm = algorithmOf(key);
  const der = key.export({ format: 'der', type: 'spki' });
  const wrapped = {
    keyId: createHash('sha256').update(der).digest('hex'),
    algorithm,
    pem: key.export({ format: 'pem', type: 'spki' }).toString(),
    key,
  };
  if (algorithm !== 'ed25519') return wrapped;
  // An Ed25519 SPKI is a fixed 12-byte header and the 32-byte key (RFC 8410 §4).
  const raw = new Uint8Array(der.subarray(12));
  if (isSmallOrderEd25519(raw)) throw keyError('the Ed25519 public key is a point of small order, whose signatures anyone can forge');
  return { ...wrapped, raw };
}

/** Imports an SPKI PEM public key (Ed25519 or ECDSA P-256); `RELEASE_KEY_INVALID` otherwise. */
export function importPublicKey(pem: string): ReleasePublicKey {
  if (typeof pem !== 'string' || pem.length > MAX_KEY_PEM_LENGTH) throw keyError('a public key is PEM text of at most 10,000 characters');
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) throw keyError('a public key must be PEM "PUBLIC KEY" (SubjectPublicKeyInfo)');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw keyError('the public key is not a PEM SubjectPublicKeyInfo', cause);
  }
  return wrapPublic(key);
}

/** Imports an unencrypted PKCS#8 PEM private key (Ed25519 or ECDSA P-256). */
export function importPrivateKey(pem: string): ReleasePrivateKey {
  if (typeof pem !== 'string' || pem.length > MAX_KEY_PEM_LENGTH) throw keyError('a private key is PEM text of at most 10,000 characters');
  if (pem.includes('ENCRYPTED')) throw keyError('encrypted private keys are not supported; decrypt it first (e.g. openssl pkey)');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw keyError('the private key is not a PEM PKCS#8 private key', cause);
  }
  const algorithm = algorithmOf(key);
  return { algorithm, key, publicKey: wrapPublic(createPublicKey(key)) };
}

/** A new key pair: PKCS#8 and SPKI PEM texts and the key ID. */
export function generateReleaseKeyPair(algorithm: ReleaseKeyAlgorithm = 'ed25519'): { privatePem: string; publicPem: string; keyId: string } {
  const pair = algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = wrapPublic(pair.publicKey);
  return { privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicPem: pub.pem, keyId: pub.keyId };
}

/**
 * Signs `message`: Ed25519 (RFC 8032, pure) gives 64 bytes; ECDSA P-256 signs
 * SHA-256(message) and gives an ASN.1 DER signature, as Sigstore and cosign do.
 */
export function signMessage(key: ReleasePrivateKey, message: Uint8Array): Uint8Array {
  const sig = key.algorithm === 'ed25519' ? cryptoSign(null, message, key.key) : cryptoSign('sha256', message, { key: key.key, dsaEncoding: 'der' });
  return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
}

/**
 * Verifies a signature; never throws. Ed25519 with `ed25519` (default
 * node:crypto; the publish check passes libsodium's, see `ed25519.ts`).
 * ECDSA signatures are accepted as DER
 * (Sigstore's encoding; OpenSSL refuses non-canonical DER) or, when exactly 64
 * bytes, as raw r||s (IEEE P1363, the encoding of the DSSE spec's own example).
 */
export function verifyMessage(key: ReleasePublicKey, message: Uint8Array, signature: Uint8Array, ed25519: Ed25519Verifier = nodeEd25519): boolean {
  try {
    if (key.algorithm === 'ed25519') return ed25519.verify(key, message, signature);
    if (signature.length > 72) return false;
    if (cryptoVerify('sha256', message, { key: key.key, dsaEncoding: 'der' }, signature)) return true;
    return signature.length === 64 && cryptoVerify('sha256', message, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
