import { concat, decodeBase64Lenient, decodeUtf8, sha256, subtle, toHex, utf8 } from './bytes.js';
import { isSmallOrderEd25519 } from '../../../src/release/small-order.js';
import { VerifyError } from './errors.js';

/**
 * DSSE (secure-systems-lab/dsse protocol.md v1.0.0) signature checks through
 * WebCrypto, mirroring src/release/dsse.ts: signatures are over
 * PAE(payloadType, payload); Ed25519 (pure) and ECDSA P-256 with SHA-256, the
 * latter as ASN.1 DER (what Accord and Sigstore write) or raw r||s.
 */

export type ReleaseKeyAlgorithm = 'ed25519' | 'ecdsa-p256';

/** A public key ready for WebCrypto, with Accord's key ID (SHA-256 hex of the DER SPKI). */
export interface PublicKeyInfo {
  readonly keyId: string;
  readonly algorithm: ReleaseKeyAlgorithm;
  readonly key: CryptoKey;
}

export interface DsseSignature {
  /** Unauthenticated hint; only narrows the keys tried. */
  readonly keyid?: string;
  readonly sig: Uint8Array;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly signatures: readonly DsseSignature[];
}

const MAX_SIGNATURES = 16;
const MAX_SIGNATURE_BYTES = 1024;

function malformed(message: string): VerifyError {
  return new VerifyError('ENVELOPE_MALFORMED', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes as ASCII decimal. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = utf8(payloadType);
  return concat(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload);
}

/** Parses a DSSE JSON envelope (the entry bytes of a release); throws `ENVELOPE_MALFORMED`. */
export function parseDsseEnvelope(data: Uint8Array): DsseEnvelope {
  const text = decodeUtf8(data);
  if (text === undefined) throw malformed('the envelope is not UTF-8 text');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw malformed('the envelope is not JSON');
  }
  if (!isObject(v)) throw malformed('the envelope is not a JSON object');
  if (typeof v.payloadType !== 'string') throw malformed('"payloadType" must be a string');
  if (typeof v.payload !== 'string') throw malformed('"payload" must be a string');
  const payload = decodeBase64Lenient(v.payload);
  if (payload === undefined) throw malformed('"payload" is not base64');
  if (!Array.isArray(v.signatures) || v.signatures.length === 0) throw malformed('"signatures" must be a non-empty array');
  if (v.signatures.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = v.signatures.map((s: unknown, i): DsseSignature => {
    if (!isObject(s)) throw malformed(`signatures[${i}] must be an object`);
    if (s.keyid !== undefined && typeof s.keyid !== 'string') throw malformed(`signatures[${i}].keyid must be a string`);
    const sig = typeof s.sig === 'string' ? decodeBase64Lenient(s.sig) : undefined;
    if (sig === undefined || sig.length === 0 || sig.length > MAX_SIGNATURE_BYTES) throw malformed(`signatures[${i}].sig is not a base64 signature`);
    return typeof s.keyid === 'string' && s.keyid !== '' ? { keyid: s.keyid, sig } : { sig };
  });
  return { payloadType: v.payloadType, payload, signatures };
}

/** The DER bytes of a single PEM "PUBLIC KEY" block; undefined when malformed. */
export function pemToDer(pem: string): Uint8Array<ArrayBuffer> | undefined {
  const m = /^\s*-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END PUBLIC KEY-----\s*$/.exec(pem);
  if (!m) return undefined;
  const b64 = m[1]!.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  return decodeBase64Lenient(b64);
}

const IMPORT: Record<ReleaseKeyAlgorithm, EcKeyImportParams | Algorithm> = {
  ed25519: { name: 'Ed25519' },
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyImportParams,
};

/** Whether an Ed25519 SPKI (12-byte header and 32-byte key) holds a small-order point. */
export function isSmallOrderEd25519Spki(der: Uint8Array): boolean {
  return der.length === 44 && isSmallOrderEd25519(der.subarray(12));
}

/**
 * Imports an SPKI PEM key as `algorithm` (WebCrypto refuses a key of another
 * type or curve) and computes its key ID; throws `TRUST_INVALID`.
 */
export async function importSpkiPem(pem: string, algorithm: ReleaseKeyAlgorithm): Promise<PublicKeyInfo> {
  const der = pemToDer(pem);
  if (der === undefined) throw new VerifyError('TRUST_INVALID', 'a public key is not PEM "PUBLIC KEY" (SubjectPublicKeyInfo)');
  const params = IMPORT[algorithm];
  if (params === undefined) throw new VerifyError('TRUST_INVALID', `unsupported key algorithm ${JSON.stringify(algorithm)}`);
  let key: CryptoKey;
  try {
    key = await subtle().importKey('spki', der, params, false, ['verify']);
  } catch (err) {
    if (err instanceof VerifyError) throw err;
    throw new VerifyError('TRUST_INVALID', `the public key is not an ${algorithm === 'ed25519' ? 'Ed25519' : 'ECDSA P-256'} SPKI key this browser can import`);
  }
  if (algorithm === 'ed25519' && isSmallOrderEd25519Spki(der)) throw new VerifyError('TRUST_INVALID', 'an Ed25519 public key is a point of small order, whose signatures anyone can forge');
  return { keyId: toHex(await sha256(der)), algorithm, key };
}

/**
 * Converts a DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) to raw
 * 32-byte r || 32-byte s; undefined unless it is strict, minimal DER (as OpenSSL requires).
 */
export function ecdsaDerToRaw(der: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const out = new Uint8Array(64);
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) return undefined;
    const len = der[at + 1]!;
    if (len === 0 || len > 33 || at + 2 + len > der.length) return undefined;
    let int = der.subarray(at + 2, at + 2 + len);
    if (int[0]! & 0x80) return undefined; // negative
    if (int[0] === 0 && (len === 1 || !(int[1]! & 0x80))) return undefined; // non-minimal (or zero)
    if (int[0] === 0) int = int.subarray(1);
    if (int.length > 32) return undefined;
    out.set(int, i * 32 + 32 - int.length);
    at += 2 + len;
  }
  return at === der.length ? out : undefined;
}

/** Verifies one signature over `message`; never throws. */
export async function verifySignature(key: PublicKeyInfo, message: Uint8Array, sig: Uint8Array): Promise<boolean> {
  const s = subtle();
  try {
    if (key.algorithm === 'ed25519') return sig.length === 64 && (await s.verify({ name: 'Ed25519' }, key.key, concat(sig), concat(message)));
    if (sig.length > 72) return false;
    const params: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
    const raw = ecdsaDerToRaw(sig);
    if (raw !== undefined && (await s.verify(params, key.key, raw, concat(message)))) return true;
    return sig.length === 64 && (await s.verify(params, key.key, concat(sig), concat(message)));
  } catch {
    return false;
  }
}

export interface SignatureOutcome {
  readonly index: number;
  readonly keyid?: string;
  /** The key it verified with, if any. */
  readonly key?: PublicKeyInfo;
  /** How many of the keys given have the signature's keyid (0: no keyid, or it names none of them). */
  readonly named: number;
}

/**
 * Verifies each signature against `keys`, like src/release/dsse.ts
 * `checkSignatures`: a keyid narrows the keys tried to those with that key ID.
 * Without a keyid, or when it names no key given, every key is tried (the
 * keyid is an unauthenticated hint; `candidates` is then `keys.length`).
 */
export async function checkSignatures(envelope: DsseEnvelope, keys: readonly PublicKeyInfo[]): Promise<SignatureOutcome[]> {
  const message = pae(envelope.payloadType, envelope.payload);
  const out: SignatureOutcome[] = [];
  for (const [index, s] of envelope.signatures.entries()) {
    const named = s.keyid === undefined ? [] : keys.filter((k) => k.keyId === s.keyid);
    const candidates = named.length > 0 ? named : keys;
    let key: PublicKeyInfo | undefined;
    for (const k of candidates) {
      if (await verifySignature(k, message, s.sig)) {
        key = k;
        break;
      }
    }
    const base = { index, named: named.length, ...(s.keyid === undefined ? {} : { keyid: s.keyid }) };
    out.push(key === undefined ? base : { ...base, key });
  }
  return out;
}
