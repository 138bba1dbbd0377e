import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.js';
import { RegistryError } from '../registry/errors.js';
import type { Principal } from '../registry/types.js';
import { mapError, sendProblem } from './error-handler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the auth hook before any handler runs. */
    principal: Principal;
  }
}

const ANONYMOUS: Principal = { kind: 'anonymous' };

/** Extracts the presented token: `Bearer <token>`, or HTTP Basic with the token as password (any user name). */
export function presentedToken(header: string | undefined): string | null | 'malformed' {
  if (header === undefined || header === '') return null;
  const m = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!m) return 'malformed';
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'malformed';
    const password = decoded.slice(colon + 1);
    return password.length > 0 ? password : 'malformed';
  }
  return 'malformed';
}

/**
 * Counts failed authentications per client address in a fixed window. Bounded:
 * when full, the oldest entries are dropped, so an attacker cannot exhaust memory.
 */
export class FailureLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly capacity = 10_000,
  ) {}

  /** Seconds until `key` may try again, or 0 if it may try now. */
  blockedFor(key: string, now = Date.now()): number {
    const e = this.hits.get(key);
    if (!e || e.resetAt <= now) return 0;
    return e.count >= this.max ? Math.ceil((e.resetAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const e = this.hits.get(key);
    if (!e || e.resetAt <= now) {
      if (this.hits.size >= this.capacity) {
        const oldest = this.hits.keys().next().value;
        if (oldest !== undefined) this.hits.delete(oldest);
      }
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
    } else {
      e.count++;
    }
  }
}

/** The onRequest hook: resolves the principal or answers 401/429 before any handler runs. */
export function authHook(ctx: Context, limiter: FailureLimiter, onFailure: (req: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    req.principal = ANONYMOUS;
    const token = presentedToken(req.headers.authorization);
    if (token === null) return undefined;
    const wait = limiter.blockedFor(req.ip);
    if (wait > 0) {
      return sendProblem(req, reply, { status: 429, code: 'RATE_LIMITED', detail: 'Too many failed sign-ins; wait and try again.', retryAfter: wait });
    }
    try {
      if (token === 'malformed') throw new RegistryError('TOKEN_INVALID', 'The Authorization header must be "Bearer <token>" or Basic with the token as password.');
      req.principal = await ctx.auth.authenticate(token);
      return undefined;
    } catch (err) {
      if (mapError(err).status === 401) limiter.fail(req.ip);
      return onFailure(req, reply, err);
    }
  };
}
