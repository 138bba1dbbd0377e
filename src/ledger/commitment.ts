import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Salted commitments: how non-CLEAR content reaches the public log. The entry
 * holds SHA-256(salt || content), never the content; whoever may read the
 * content also receives the salt, and can check the inclusion. The 32-byte
 * random salt keeps low-entropy content (a short indicator) from being guessed.
 */
export interface Commitment {
  salt: Uint8Array;
  /** The log entry's bytes. */
  entry: Uint8Array;
}

export const COMMITMENT_TYPE = 'accord.commitment/v1';

function digest(salt: Uint8Array, content: Uint8Array): string {
  // One-shot: a Hash object per commitment cost more than hashing the few hundred bytes.
  return hash('sha256', Buffer.concat([salt, content]), 'hex');
}

const utf8 = new TextEncoder();

/** Commits to `content` (canonical bytes of the item) under a fresh salt. */
export function commit(kind: string, content: Uint8Array, salt: Uint8Array = randomBytes(32)): Commitment {
  const body = `{"alg":"sha256","commitment":"${digest(salt, content)}","kind":${JSON.stringify(kind)},"type":"${COMMITMENT_TYPE}"}`;
  return { salt, entry: utf8.encode(body) };
}

/** Whether a commitment entry commits to `content` under `salt`. */
export function opensCommitment(entry: Uint8Array, salt: Uint8Array, content: Uint8Array): boolean {
  let doc: { type?: unknown; alg?: unknown; commitment?: unknown };
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entry)) as typeof doc;
  } catch {
    return false;
  }
  if (doc.type !== COMMITMENT_TYPE || doc.alg !== 'sha256' || typeof doc.commitment !== 'string' || !/^[0-9a-f]{64}$/.test(doc.commitment)) return false;
  return timingSafeEqual(Buffer.from(doc.commitment, 'hex'), Buffer.from(digest(salt, content), 'hex'));
}
