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
import { Lru } from '../../ledger/lru.js';

const problems = { '4xx': ref('Problem') };
const IMMUTABLE = 'public, max-age=31536000, immutable';
const index = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

function b64(hashes: Uint8Array[]): string[] {
  return hashes.map((h) => Buffer.from(h).toString('base64'));
}

/** The C2SP tlog-tiles read API at /log/ and the proof endpoints under /api/v1/log/. */
export function registerLogRoutes(app: FastifyInstance, ctx: Context): void {
  const gzippedBundles = new Lru<number, Buffer>(4096);
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
      if (parsed.kind === 'tile') {
        const t = parsed.tile;
        // Tiles are written with the checkpoint that covers them, so a stored tile with at least
        // `width` hashes is a tile of the published tree; a prefix is the older partial tile.
        const data = await ctx.store.log.readTile(t.level, t.index);
        if (!data || data.length < t.width * 32) return notFound(req, reply);
        return reply.type('application/octet-stream').header('Cache-Control', IMMUTABLE).send(Buffer.from(data.subarray(0, t.width * 32)));
      }
      const b = parsed.bundle;
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const cached = b.width === TILE_WIDTH && gzip ? gzippedBundles.get(b.index) : undefined;
      if (cached) return reply.type('application/octet-stream').header('Cache-Control', IMMUTABLE).header('Vary', 'Accept-Encoding').header('Content-Encoding', 'gzip').send(cached);
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
      reply.type('application/octet-stream').header('Cache-Control', IMMUTABLE).header('Vary', 'Accept-Encoding');
      if (gzip) {
        const z = gzipSync(data);
        // Full bundles never change: keep their compressed form, as a CDN would.
        if (b.width === TILE_WIDTH) gzippedBundles.set(b.index, z);
        return reply.header('Content-Encoding', 'gzip').send(z);
      }
      return reply.send(Buffer.from(data));
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
