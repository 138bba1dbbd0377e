import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.js';
import { LedgerError } from '../../ledger/errors.js';
import { TILE_WIDTH, parseTilePath } from '../../ledger/tile-path.js';
import { entryBundleWidthAt } from '../../ledger/tiles.js';
import { decodeEntryBundle, encodeEntryBundle } from '../../ledger/entry-bundle.js';
import { ref } from '../schemas.js';
import { hashLeaf } from '../../ledger/merkle.js';
import { formatPolicy } from '../../ledger/policy.js';

const problems = { '4xx': ref('Problem') };
const IMMUTABLE = 'public, max-age=31536000, immutable';
const index = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

function b64(hashes: Uint8Array[]): string[] {
  return hashes.map((h) => Buffer.from(h).toString('base64'));
}

/** A tile or entry bundle as served: its bytes never change once it exists (full or partial, by path). */
interface Served {
  readonly body: Buffer;
  readonly etag: string;
  readonly bundle: boolean;
  /** Bundles only: the gzip form, made on the first request that accepts it. */
  gzip?: Buffer;
  gzipEtag?: string;
  /** Complete headers of the 200 answers on the fast path (plain, gzip), made on first use. */
  fast?: OutgoingHttpHeaders;
  fastGzip?: OutgoingHttpHeaders;
  /** Whether the cache holds it (and counts its bytes). */
  kept?: boolean;
}

/** Bytes of tiles and bundles kept in memory at most; a larger item is not kept. */
const CACHE_BYTES = 64 * 2 ** 20;
const CACHE_ITEM_MAX = 2 * 2 ** 20;

/** Tiles and bundles by request path, least recently used dropped first, bounded in bytes. */
export class ServedCache {
  private readonly map = new Map<string, Served>();
  private bytes = 0;

  get(path: string): Served | undefined {
    const v = this.map.get(path);
    if (v !== undefined) {
      this.map.delete(path);
      this.map.set(path, v);
    }
    return v;
  }

  set(path: string, v: Served): void {
    if (v.body.length > CACHE_ITEM_MAX) return;
    const old = this.map.get(path);
    if (old !== undefined) {
      this.bytes -= size(old);
      old.kept = false;
    }
    this.map.delete(path);
    this.map.set(path, v);
    this.bytes += size(v);
    v.kept = true;
    for (const [k, x] of this.map) {
      if (this.bytes <= CACHE_BYTES) break;
      this.map.delete(k);
      this.bytes -= size(x);
      x.kept = false;
    }
  }

  /** Bytes counted towards the bound. */
  get size(): number {
    return this.bytes;
  }

  /** Adds the gzip form to a kept bundle (it counts towards the bound). */
  gzipped(v: Served): { body: Buffer; etag: string } {
    if (v.gzip === undefined || v.gzipEtag === undefined) {
      const gz = gzipSync(v.body);
      v.gzip = gz;
      v.gzipEtag = `"${v.etag.slice(1, -1)}-gz"`;
      // Only a kept item's gzip counts: one served past the cache (too large, a query) is not in it.
      if (v.kept === true) this.bytes += gz.length;
    }
    return { body: v.gzip, etag: v.gzipEtag };
  }
}

function size(v: Served): number {
  return v.body.length + (v.gzip?.length ?? 0) + 200;
}

export function served(body: Buffer, bundle: boolean): Served {
  return { body, bundle, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

const acceptsGzip = (req: IncomingMessage | FastifyRequest) => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((t) => {
    const x = t.trim();
    return x === '*' || x === etag || x === `W/${etag}`;
  });
}

/** Status, headers and body of a served tile or bundle (the same on the fast path and through Fastify). */
function answer(v: Served, gzip: boolean, ifNoneMatch: string | undefined, cache: ServedCache): { status: number; headers: OutgoingHttpHeaders; body?: Buffer } {
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'cache-control': IMMUTABLE };
  let { body, etag } = v;
  if (v.bundle) {
    headers.vary = 'Accept-Encoding';
    if (gzip) {
      ({ body, etag } = cache.gzipped(v));
      headers['content-encoding'] = 'gzip';
    }
  }
  headers.etag = etag;
  if (matches(ifNoneMatch, etag)) return { status: 304, headers };
  return { status: 200, headers, body };
}

/** The C2SP tlog-tiles read API at /log/ and the proof endpoints under /api/v1/log/. */
export function registerLogRoutes(app: FastifyInstance, ctx: Context): void {
  const cache = new ServedCache();
  // Security headers every answer carries (helmet's), as the route answered them: the fast path sends the same.
  let securityHeaders: OutgoingHttpHeaders | undefined;
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  /**
   * Tiles and bundles already in memory are answered before Fastify routes the
   * request: a Fastify request (helmet, hooks, logging) costs several times the
   * copy of the bytes. Only a plain anonymous GET of a path the route served
   * before; anything else (HEAD, a query, credentials, errors, a miss) goes
   * through Fastify, which fills the cache.
   */
  const fastPath = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url;
    if (closing || securityHeaders === undefined || req.method !== 'GET' || url === undefined || !url.startsWith('/log/tile/') || req.headers.authorization !== undefined) return false;
    const v = cache.get(url);
    if (v === undefined) return false;
    const gzip = v.bundle && acceptsGzip(req);
    if (gzip && v.gzip === undefined) return false;
    const inm = req.headers['if-none-match'];
    if (inm === undefined) {
      // The common case: headers built once per tile and form.
      let headers = gzip ? v.fastGzip : v.fast;
      if (headers === undefined) {
        const a = answer(v, gzip, undefined, cache);
        headers = { ...securityHeaders, ...a.headers, 'content-length': a.body!.length };
        if (gzip) v.fastGzip = headers;
        else v.fast = headers;
      }
      res.writeHead(200, headers);
      res.end(gzip ? v.gzip : v.body);
      return true;
    }
    const a = answer(v, gzip, inm, cache);
    if (a.body !== undefined) a.headers['content-length'] = a.body.length;
    res.writeHead(a.status, { ...securityHeaders, ...a.headers });
    res.end(a.body);
    return true;
  };
  // Fastify listens on app.server through one 'request' listener: put the fast path in front of it.
  const listeners = app.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (listeners.length === 1) {
    const fastify = listeners[0]!;
    app.server.removeListener('request', fastify);
    app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!fastPath(req, res)) fastify(req, res);
    });
  }

  const send = (req: FastifyRequest, reply: FastifyReply, v: Served) => {
    if (req.query === undefined || Object.keys(req.query as object).length === 0) {
      cache.set(req.url, v);
      const headers = reply.raw.getHeaders();
      if (securityHeaders === undefined && headers['x-content-type-options'] === 'nosniff') {
        // Only what helmet set for every request: nothing about this answer's content.
        securityHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(content-|etag$|vary$|cache-control$|set-cookie$|x-ratelimit)/.test(k)));
      }
    }
    const a = answer(v, acceptsGzip(req), req.headers['if-none-match'], cache);
    reply.code(a.status).headers(a.headers);
    return a.body === undefined ? reply.send() : reply.send(a.body);
  };
  app.get(
    '/log/checkpoint',
    { schema: { tags: ['log'], summary: 'The latest signed checkpoint (C2SP tlog-checkpoint), with any witness cosignatures', security: [] } },
    async (_req, reply) => {
      const state = await ctx.ledger.currentState();
      return reply.type('text/plain; charset=utf-8').header('Cache-Control', 'public, max-age=1').send(state.checkpoint);
    },
  );

  app.get(
    '/api/v1/log/policy',
    {
      schema: {
        tags: ['log'],
        summary: 'The c2sp.org/tlog-policy clients should trust: the log key, its witnesses and the quorum',
        security: [],
      },
    },
    async (_req, reply) => reply.type('text/plain; charset=utf-8').send(formatPolicy(await ctx.logPolicy())),
  );

  app.get<{ Params: { '*': string } }>(
    '/log/tile/*',
    {
      schema: {
        tags: ['log'],
        summary: 'Tiles (/log/tile/<L>/<N>[.p/<W>]) and entry bundles (/log/tile/entries/<N>[.p/<W>]); immutable once served',
        security: [],
      },
    },
    async (req, reply) => {
      let parsed;
      try {
        parsed = parseTilePath(`tile/${req.params['*']}`);
      } catch {
        return notFound(req, reply);
      }
      const known = req.url.includes('?') ? undefined : cache.get(req.url);
      if (known) return send(req, reply, known);
      if (parsed.kind === 'tile') {
        const t = parsed.tile;
        // Tiles are written with the checkpoint that covers them, so a stored tile with at least
        // `width` hashes is a tile of the published tree; a prefix is the older partial tile.
        const data = await ctx.store.log.readTile(t.level, t.index);
        if (!data || data.length < t.width * 32) return notFound(req, reply);
        return send(req, reply, served(Buffer.from(data.subarray(0, t.width * 32)), false));
      }
      const b = parsed.bundle;
      // Partial bundles are built from sequenced entries, some maybe not yet in a checkpoint: check the size.
      if (b.width < TILE_WIDTH && b.width > entryBundleWidthAt(b.index, (await ctx.ledger.currentState()).size)) return notFound(req, reply);
      let data: Uint8Array | undefined;
      try {
        // A full bundle is stored by the integration that publishes it; never built from unpublished entries.
        data = b.width === TILE_WIDTH ? await ctx.store.log.readFullBundle(b.index) : (await ctx.store.log.readEntryBundles([b]))[0];
      } catch {
        return notFound(req, reply);
      }
      if (!data) return notFound(req, reply);
      if (b.width < TILE_WIDTH) {
        const entries = decodeEntryBundle(data);
        if (entries.length > b.width) data = encodeEntryBundle(entries.slice(0, b.width));
      }
      return send(req, reply, served(Buffer.from(data), true));
    },
  );

  app.get<{ Params: { index: number } }>(
    '/api/v1/log/entries/:index',
    {
      schema: {
        tags: ['log'],
        summary: 'One integrated entry: its kind and bytes (base64), with its leaf hash',
        security: [],
        params: { type: 'object', properties: { index } },
        response: {
          200: {
            type: 'object',
            properties: { index: { type: 'integer' }, kind: { type: 'string' }, added_at: { type: 'string' }, data: { type: 'string' }, leaf_hash: { type: 'string' } },
          },
          ...problems,
        },
      },
    },
    async (req) => {
      const e = await ctx.ledger.entry(req.params.index);
      return { index: e.index, kind: e.kind, added_at: e.added_at, data: Buffer.from(e.data).toString('base64'), leaf_hash: Buffer.from(hashLeaf(e.data)).toString('base64') };
    },
  );

  app.get<{ Params: { index: number } }>(
    '/api/v1/log/entries/:index/proof',
    {
      schema: {
        tags: ['log'],
        summary: 'A c2sp.org/tlog-proof file for the entry against the latest checkpoint (verifiable offline)',
        security: [],
        params: { type: 'object', properties: { index } },
      },
    },
    async (req, reply) => reply.type('text/plain; charset=utf-8').send(await ctx.ledger.tlogProof(req.params.index)),
  );

  app.get<{ Querystring: { index: number; size?: number } }>(
    '/api/v1/log/proof/inclusion',
    {
      schema: {
        tags: ['log'],
        summary: 'RFC 6962 inclusion proof of entry `index` in the tree of `size` (default: latest)',
        security: [],
        querystring: { type: 'object', additionalProperties: false, required: ['index'], properties: { index, size: index } },
        response: {
          200: { type: 'object', properties: { index: { type: 'integer' }, size: { type: 'integer' }, proof: { type: 'array', items: { type: 'string' } } } },
          ...problems,
        },
      },
    },
    async (req) => {
      const r = await ctx.ledger.inclusionProof(req.query.index, req.query.size);
      return { index: req.query.index, size: r.size, proof: b64(r.proof) };
    },
  );

  app.get<{ Querystring: { from: number; to?: number } }>(
    '/api/v1/log/proof/consistency',
    {
      schema: {
        tags: ['log'],
        summary: 'RFC 6962 consistency proof from tree size `from` to `to` (default: latest)',
        security: [],
        querystring: { type: 'object', additionalProperties: false, required: ['from'], properties: { from: index, to: index } },
        response: {
          200: { type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, proof: { type: 'array', items: { type: 'string' } } } },
          ...problems,
        },
      },
    },
    async (req) => {
      const r = await ctx.ledger.consistencyProof(req.query.from, req.query.to);
      return { from: r.from, to: r.to, proof: b64(r.proof) };
    },
  );
}

function notFound(req: FastifyRequest, reply: FastifyReply): never {
  void reply;
  throw new LedgerError('LOG_HASH_UNAVAILABLE', `Nothing at ${req.url.split('?')[0]}.`);
}
