import type { RegistryDeps } from './deps.js';
import { RegistryError } from './errors.js';
import { digestsEqual, hashSecret } from './secrets.js';
import type { Principal } from './types.js';

/** How stale `last_used_at` may get before a request refreshes it (avoids a write per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Resolves API tokens to principals. */
export class AuthService {
  constructor(private readonly deps: RegistryDeps) {}

  /** The principal for a presented token; TOKEN_INVALID for unknown, revoked, expired or disabled ones. */
  async authenticate(token: string): Promise<Principal> {
    const invalid = () => new RegistryError('TOKEN_INVALID', 'The token is not valid (unknown, revoked or expired).');
    if (token.length === 0 || token.length > 512) throw invalid();
    const hash = hashSecret(token);
    const { store, clock } = this.deps;
    const stored = await store.getTokenByHash(hash);
    // The lookup is by hash, so timing reveals nothing about the secret; compare again in constant time anyway.
    if (!stored || !digestsEqual(stored.hash, hash)) throw invalid();
    const now = clock.now();
    if (stored.revoked_at !== null) throw invalid();
    if (stored.expires_at !== null && Date.parse(stored.expires_at) <= now.getTime()) throw invalid();
    const user = await store.getUser(stored.user_id);
    if (!user || user.disabled_at !== null) throw invalid();
    const org = await store.getOrg(user.org_id);
    if (!org || org.status === 'withdrawn') throw invalid();
    if (stored.last_used_at === null || now.getTime() - Date.parse(stored.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await store.updateToken(stored.id, { last_used_at: now.toISOString() });
    }
    return { kind: 'user', user, org, token_id: stored.id };
  }
}
