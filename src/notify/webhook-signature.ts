import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, in the scheme Stripe uses:
 *
 *     X-Accord-Signature: t=1712345678,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 * `t` is the sender's clock in Unix seconds when it signed this attempt;
 * `v1` is the lower-case hex HMAC-SHA256, keyed with the subscription's
 * secret, of the bytes `<t>.<body>` (the decimal timestamp, a full stop, and
 * the raw request body exactly as received — verify before parsing JSON).
 *
 * A receiver recomputes `v1`, compares in constant time, and rejects a `t`
 * more than five minutes from its own clock, which bounds replays of a
 * captured request. Several `v1` entries may appear (during secret rotation a
 * sender may sign with both); one match is enough. Each retry is signed
 * afresh with a new `t`; the body, and `X-Accord-Delivery`, stay the same.
 */

export const SIGNATURE_HEADER = 'X-Accord-Signature';
export const EVENT_HEADER = 'X-Accord-Event';
export const DELIVERY_HEADER = 'X-Accord-Delivery';

/** Default tolerance between the signing time and the receiver's clock, in seconds. */
export const DEFAULT_TOLERANCE_SEC = 300;

function hmacHex(secret: string, timestampSec: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestampSec}.`);
  mac.update(body);
  return mac.digest('hex');
}

/** The `X-Accord-Signature` value for `body` signed at `timestampSec`. */
export function signWebhookPayload(secret: string, body: string | Uint8Array, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/**
 * Checks an `X-Accord-Signature` header against the raw `body` (for
 * receivers and tests). False when the header is missing or malformed, the
 * timestamp is further than `toleranceSec` from `now`, or no `v1` matches.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  now: Date,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return false;
      t = Number(value);
    } else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) {
      candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (t === undefined || candidates.length === 0) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  let ok = false;
  // compare against every candidate, so timing does not tell which one matched
  for (const c of candidates) ok = timingSafeEqual(c, expected) || ok;
  return ok;
}
