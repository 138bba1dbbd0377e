import { decodeUtf8, isWellFormedUnicode, utf8 } from '../ledger/text-codec.js';
import { decodeDsseBase64, encodeStdBase64 } from './base64.js';
import type { Ed25519Verifier } from './ed25519.js';
import { ReleaseError } from './errors.js';
import { signMessage, verifyMessage, type ReleasePrivateKey, type ReleasePublicKey } from './keys.js';
import { isJsonObject, parseStrictJson } from './strict-json.js';

/**
 * DSSE (secure-systems-lab/dsse protocol.md v1.0.0, envelope.md): signatures over
 * PAE(payloadType, payload), carried in the JSON envelope
 * `{"payloadType", "payload", "signatures": [{"keyid", "sig"}]}`.
 */

/** The payload type of in-toto statements (in-toto attestation spec v1, envelope.md). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Largest envelope text accepted for parsing (the HTTP body limit). */
export const MAX_ENVELOPE_TEXT = 1 << 20;
/** Most signatures per envelope. */
export const MAX_ENVELOPE_SIGNATURES = 16;
/** Longest payloadType and keyid accepted (characters). */
export const MAX_PAYLOAD_TYPE_LENGTH = 256;
export const MAX_KEYID_LENGTH = 256;
/** Largest decoded signature (ECDSA P-256 DER is at most 72 bytes; room for other schemes' vectors). */
export const MAX_SIGNATURE_BYTES = 1024;

export interface DsseSignature {
  /** Unauthenticated hint naming the key (DSSE: "MUST NOT be used for security decisions"); Accord's is the key's SPKI SHA-256 hex. */
  readonly keyid?: string;
  readonly sig: Uint8Array;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly signatures: readonly DsseSignature[];
}

function malformed(message: string): ReleaseError<'RELEASE_ENVELOPE_MALFORMED'> {
  return new ReleaseError('RELEASE_ENVELOPE_MALFORMED', message);
}

const PAE_ENCODER = new TextEncoder();

/**
 * Pre-Authentication Encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
 * lengths in bytes as ASCII decimal (protocol.md §Signature Definition).
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  // One allocation: the text before the body is encoded straight into the result (signed for every envelope).
  const head = `DSSEv1 ${Buffer.byteLength(payloadType, 'utf8')} ${payloadType} ${payload.length} `;
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = new Uint8Array(headLength + payload.length);
  PAE_ENCODER.encodeInto(head, out);
  out.set(payload, headLength);
  return out;
}

/** Parses envelope text or bytes strictly (see `envelopeFromJson`); every refusal is `RELEASE_ENVELOPE_MALFORMED`. */
export function parseEnvelope(input: string | Uint8Array): DsseEnvelope {
  let text: string;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_ENVELOPE_TEXT) throw malformed('the envelope is larger than 1 MiB');
    const decoded = decodeUtf8(input);
    if (decoded === undefined) throw malformed('the envelope is not valid UTF-8');
    text = decoded;
  } else if (typeof input === 'string') {
    if (input.length > MAX_ENVELOPE_TEXT) throw malformed('the envelope is larger than 1 MiB');
    text = input;
  } else {
    throw malformed('the envelope must be text');
  }
  return envelopeFromJson(parseStrictJson(text, 'the envelope', 'RELEASE_ENVELOPE_MALFORMED'));
}

/**
 * Checks a parsed JSON value is a DSSE JSON envelope: exactly the fields
 * `payloadType` (string), `payload` (base64), `signatures` (1 to 16 objects with
 * `sig` (base64) and an optional `keyid` string). Unknown fields are refused:
 * Accord logs a canonical re-serialisation, which must lose nothing.
 */
export function envelopeFromJson(value: unknown): DsseEnvelope {
  if (!isJsonObject(value)) throw malformed('the envelope must be a JSON object');
  for (const k of Object.keys(value)) {
    if (k !== 'payloadType' && k !== 'payload' && k !== 'signatures') throw malformed(`unknown envelope field ${JSON.stringify(k)}`);
  }
  const { payloadType, payload, signatures } = value as Record<string, unknown>;
  if (payloadType === undefined) throw malformed('missing field "payloadType"');
  if (typeof payloadType !== 'string') throw malformed('"payloadType" must be a string');
  if (payloadType.length > MAX_PAYLOAD_TYPE_LENGTH) throw malformed('"payloadType" is too long');
  // PAE signs UTF-8 bytes; a lone surrogate has none (the encoder would substitute U+FFFD).
  if (!isWellFormedUnicode(payloadType)) throw malformed('"payloadType" is not valid Unicode');
  if (payload === undefined) throw malformed('missing field "payload"');
  if (typeof payload !== 'string') throw malformed('"payload" must be a string');
  const body = decodeDsseBase64(payload);
  if (body === undefined) throw malformed('"payload" is not canonical standard or URL-safe base64');
  if (signatures === undefined) throw malformed('missing field "signatures"');
  if (!Array.isArray(signatures)) throw malformed('"signatures" must be an array');
  if (signatures.length === 0) throw malformed('"signatures" is empty');
  if (signatures.length > MAX_ENVELOPE_SIGNATURES) throw malformed(`more than ${MAX_ENVELOPE_SIGNATURES} signatures`);
  const sigs = signatures.map((s: unknown, i): DsseSignature => {
    const at = `signatures[${i}]`;
    if (!isJsonObject(s)) throw malformed(`${at} must be an object`);
    for (const k of Object.keys(s)) if (k !== 'keyid' && k !== 'sig') throw malformed(`unknown field ${JSON.stringify(k)} in ${at}`);
    const { keyid, sig } = s as Record<string, unknown>;
    if (keyid !== undefined && (typeof keyid !== 'string' || keyid.length > MAX_KEYID_LENGTH || !isWellFormedUnicode(keyid))) {
      throw malformed(`${at}.keyid must be a string of at most ${MAX_KEYID_LENGTH} characters`);
    }
    if (sig === undefined) throw malformed(`missing field "sig" in ${at}`);
    if (typeof sig !== 'string') throw malformed(`${at}.sig must be a string`);
    const bytes = decodeDsseBase64(sig);
    if (bytes === undefined || bytes.length === 0) throw malformed(`${at}.sig is not non-empty canonical base64`);
    if (bytes.length > MAX_SIGNATURE_BYTES) throw malformed(`${at}.sig is too long`);
    // DSSE: "Empty fields may be omitted", so an empty keyid is no keyid.
    return keyid === undefined || keyid === '' ? { sig: bytes } : { keyid, sig: bytes };
  });
  return { payloadType, payload: body, signatures: sigs };
}

/**
 * The canonical serialisation Accord logs and verifiers hash: compact JSON with
 * the fields in the order payloadType, payload, signatures (keyid, sig), base64
 * in the standard alphabet with padding, no keyid when there is none.
 * `parseEnvelope(serializeEnvelope(e))` gives `e` back, and two envelopes with the
 * same content always serialise to the same bytes.
 */
export function serializeEnvelope(envelope: DsseEnvelope): string {
  return JSON.stringify({
    payloadType: envelope.payloadType,
    payload: encodeStdBase64(envelope.payload),
    signatures: envelope.signatures.map((s) => (s.keyid === undefined ? { sig: encodeStdBase64(s.sig) } : { keyid: s.keyid, sig: encodeStdBase64(s.sig) })),
  });
}

/** UTF-8 bytes of `serializeEnvelope`: the log entry of a release. */
export function canonicalEnvelopeBytes(envelope: DsseEnvelope): Uint8Array {
  return utf8(serializeEnvelope(envelope));
}

/** Signs `payload` with each key; each signature's keyid is the key's SPKI SHA-256 hex. */
export function signEnvelope(payloadType: string, payload: Uint8Array, keys: readonly ReleasePrivateKey[]): DsseEnvelope {
  const message = pae(payloadType, payload);
  return { payloadType, payload, signatures: keys.map((k) => ({ keyid: k.publicKey.keyId, sig: signMessage(k, message) })) };
}

/** What became of one signature of an envelope. */
export interface SignatureOutcome {
  readonly index: number;
  readonly keyid?: string;
  /** The key it verified with, if any. */
  readonly key?: ReleasePublicKey;
  /** How many candidate keys were tried (0: the keyid names no key given). */
  readonly candidates: number;
}

/**
 * Verifies each signature against `keys` (protocol.md §Multi-signature
 * Verification). A keyid only narrows the keys tried to those with that key ID;
 * without one every key is tried. Never throws. Ed25519 signatures are checked
 * with `ed25519` (default node:crypto, what offline verifiers use).
 */
export function checkSignatures(envelope: DsseEnvelope, keys: readonly ReleasePublicKey[], ed25519?: Ed25519Verifier): SignatureOutcome[] {
  const message = pae(envelope.payloadType, envelope.payload);
  return envelope.signatures.map((s, index) => {
    const candidates = s.keyid === undefined ? keys : keys.filter((k) => k.keyId === s.keyid);
    const key = candidates.find((k) => verifyMessage(k, message, s.sig, ed25519));
    const base = { index, candidates: candidates.length, ...(s.keyid === undefined ? {} : { keyid: s.keyid }) };
    return key === undefined ? base : { ...base, key };
  });
}

/** The distinct keys whose signatures verify (a `(t, n)` envelope is valid when there are at least t). */
export function acceptedKeys(envelope: DsseEnvelope, keys: readonly ReleasePublicKey[]): ReleasePublicKey[] {
  const out: ReleasePublicKey[] = [];
  for (const o of checkSignatures(envelope, keys)) if (o.key && !out.some((k) => k.keyId === o.key!.keyId)) out.push(o.key);
  return out;
}
