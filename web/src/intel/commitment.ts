import { bytesEqual, concat, decodeUtf8, fromHex, sha256, toHex, utf8 } from '../verify/bytes.js';

/**
 * Checks, in the browser, that a log entry stands for the object on the page.
 * TLP:CLEAR versions are logged in the clear (`accord.intel/v1` holding the
 * object's canonical JSON); every other level as `accord.commitment/v1`, whose
 * `commitment` is SHA-256(salt ‖ canonical JSON) (src/ledger/commitment.ts,
 * src/intel/ledger-feed.ts). The entry bytes come from the public log, the
 * object and salt from the intel API: the two must agree.
 */

/** RFC 8785 (JCS) for JSON values parsed by JSON.parse: sorted keys, ECMAScript number and string serialisation. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('JCS cannot encode a non-finite number');
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`JCS cannot encode ${typeof value}`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export type CommitmentCheck = { ok: true; detail: string } | { ok: false; detail: string };

function parseEntry(data: Uint8Array): Record<string, unknown> | null {
  const text = decodeUtf8(data);
  if (text === undefined) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whether the entry bytes `data` commit to `object` (under `salt`, hex, for non-CLEAR objects). */
export async function checkIntelEntry(data: Uint8Array, object: unknown, salt: string | null): Promise<CommitmentCheck> {
  const entry = parseEntry(data);
  if (!entry) return { ok: false, detail: 'The log entry is not a JSON object.' };
  const content = utf8(canonicalJson(object));
  if (salt === null) {
    if (entry.type !== 'accord.intel/v1') return { ok: false, detail: `Expected an accord.intel/v1 entry, found ${JSON.stringify(entry.type)}.` };
    if ('object' in entry) {
      return canonicalJson(entry.object) === canonicalJson(object)
        ? { ok: true, detail: 'The entry holds exactly this object (canonical JSON compared).' }
        : { ok: false, detail: 'The object in the entry differs from the object shown here.' };
    }
    // Objects over 60 KB are logged by their digest.
    if (typeof entry.sha256 === 'string') {
      const digest = toHex(await sha256(content));
      return digest === entry.sha256
        ? { ok: true, detail: `SHA-256 of the canonical JSON matches the entry: ${digest}.` }
        : { ok: false, detail: `The entry records SHA-256 ${entry.sha256}; this object hashes to ${digest}.` };
    }
    return { ok: false, detail: 'The entry holds neither the object nor its digest.' };
  }
  if (entry.type !== 'accord.commitment/v1' || entry.alg !== 'sha256' || typeof entry.commitment !== 'string') {
    return { ok: false, detail: `Expected an accord.commitment/v1 entry, found ${JSON.stringify(entry.type)}.` };
  }
  const saltBytes = fromHex(salt);
  const expected = fromHex(entry.commitment);
  if (!saltBytes || !expected) return { ok: false, detail: 'The salt or the commitment is not hex.' };
  const digest = await sha256(concat(saltBytes, content));
  return bytesEqual(digest, expected)
    ? { ok: true, detail: `SHA-256(salt ‖ canonical JSON) = ${toHex(digest)}, the commitment in the entry.` }
    : { ok: false, detail: `The entry commits to ${entry.commitment}; salt and object give ${toHex(digest)}.` };
}
