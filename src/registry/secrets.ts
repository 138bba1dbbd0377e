import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API tokens look like `accord_<43 base64url chars>`: 256 bits of randomness. */
export const TOKEN_PREFIX = 'accord_';
/** Invitations use their own prefix, so a leaked one is recognisable as such. */
export const INVITATION_PREFIX = 'accinv_';

/** A new secret with `prefix`: 32 random bytes, base64url. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a secret: what is stored. A fast hash suffices since the secret has 256 bits of entropy. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The part of a token safe to show in lists (prefix plus 4 characters). */
export function displayPrefix(secret: string): string {
  return secret.slice(0, secret.indexOf('_') + 5);
}

/** A supplied token (e.g. ACCORD_ADMIN_TOKEN) must be long enough to resist guessing. */
export function isStrongEnoughToken(secret: string): boolean {
  return secret.length >= 24 && /^[\x21-\x7e]+$/.test(secret);
}
