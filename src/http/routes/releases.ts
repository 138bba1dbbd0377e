import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { BackPressureError, ValidationError } from '../../errors.js';
import { formatPolicy } from '../../ledger/policy.js';
import { decodeUtf8 } from '../../ledger/text-codec.js';
import { MAX_ENVELOPE_SIGNATURES, MAX_KEYID_LENGTH, MAX_PAYLOAD_TYPE_LENGTH } from '../../release/dsse.js';
import { MAX_BATCH_ENVELOPES, ReleaseService, type ReleaseDeps } from '../../release/release-service.js';
import { VerifyPool } from '../../release/verify-pool.js';
import { proveInclusions } from '../../release/batch-proofs.js';
import { tileHashReader } from '../../ledger/tiles.js';
import { ReleaseError } from '../../release/errors.js';
import { mapError, problem } from '../error-handler.js';
import { parseReleaseQuery, releaseRecord } from '../../release/release-record.js';
import { formatPurl, purlPackage } from '../../release/purl.js';
import { parseStrictJson } from '../../release/strict-json.js';
import { requireUser } from '../../registry/access.js';
import { ref } from '../schemas.js';

const problems = { '4xx': ref('Problem') };

/**
 * Wires the release pillar to the context. TODO(lead): build this once in
 * context.ts (`ctx.releases`), the composition root.
 */
function releaseDeps(ctx: Context): ReleaseDeps {
  const registry = ctx.store.registry;
  return {
    keysOf: (orgId) => registry.listKeys(orgId),
    async *signatories() {
      let after: string | undefined;
      for (;;) {
        const orgs = await registry.listOrgs({ kind: 'signatory', status: ['member'], limit: 100, ...(after === undefined ? {} : { after }) });
        for (const o of orgs) yield { slug: o.slug, name: o.name, keys: await registry.listKeys(o.id) };
        if (orgs.length < 100) return;
        after = orgs[orgs.length - 1]!.slug;
      }
    },
    logPolicy: async () => formatPolicy(await ctx.logPolicy()),
    log: {
      appendMany: (kind, entries) => ctx.ledger.appendMany(kind, entries),
      waitForIndex: (index) => ctx.ledger.waitForIndex(index),
      // The tiles of an integrated tree are immutable; one read of each serves every proof of a batch.
      // A few entries: the ledger's proofs, which keep the subtree hashes they compute.
      // A batch: one pass over the tiles for all of them (one read and one rehash per tile).
      inclusionProofs: async (indexes, size) => {
        if (indexes.length > 4) return proveInclusions(tileHashReader(size, ctx.store.log), indexes, size);
        const out: Uint8Array[][] = [];
        for (const i of indexes) out.push((await ctx.ledger.inclusionProof(i, size)).proof);
        return out;
      },
    },
    now: () => ctx.clock.now(),
    // The index feed indexes these from what the publish check derived instead of re-parsing the log.
    logged: (releases) => ctx.indexReleases.remember(releases),
  };
}

/** Largest batch publish body: room for 1,000 envelopes of 8 KiB (a larger batch is split by the client). */
export const MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024;

/** Batch bodies being received or handled at once, in bytes at most; past it a batch is refused with 503 before its body is read. */
export const MAX_BATCH_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/** Counts bytes of requests in flight against a bound (a declared Content-Length is reserved before the body is read). */
export class ByteBudget {
  private used = 0;
  constructor(private readonly limit: number) {}
  get inUse(): number {
    return this.used;
  }
  /** Reserves `bytes`; BACK_PRESSURE (503, Retry-After) when the budget would be exceeded. */
  take(bytes: number): void {
    if (this.used > 0 && this.used + bytes > this.limit) throw new BackPressureError('Too many batch publishes are in progress; retry shortly.', 1);
    this.used += bytes;
  }
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/**
 * The envelopes of an NDJSON body as `[start, end)` byte spans, one per
 * non-blank line (a trailing CR is dropped). Counting stops past the batch
 * limit, so a huge body of tiny lines is refused without being split.
 */
export function ndjsonSpans(body: Uint8Array): number[] {
  const spans: number[] = [];
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  while (at < buf.length) {
    let end = buf.indexOf(10, at);
    if (end < 0) end = buf.length;
    let stop = end;
    if (stop > at && buf[stop - 1] === 13) stop--;
    let blank = true;
    for (let i = at; i < stop; i++) {
      const c = buf[i];
      if (c !== 32 && c !== 9) {
        blank = false;
        break;
      }
    }
    if (!blank) {
      if (spans.length / 2 >= MAX_BATCH_ENVELOPES) {
        throw new ReleaseError('RELEASE_BATCH_TOO_LARGE', `A batch holds at most ${MAX_BATCH_ENVELOPES} envelopes; split it.`);
      }
      spans.push(at, stop);
    }
    at = end + 1;
  }
  return spans;
}

const envelopeBody = {
  type: 'object',
  description: 'A DSSE envelope (secure-systems-lab/dsse) whose payload is an in-toto Statement v1',
  additionalProperties: false,
  required: ['payloadType', 'payload', 'signatures'],
  properties: {
    payloadType: { type: 'string', maxLength: MAX_PAYLOAD_TYPE_LENGTH },
    payload: { type: 'string', description: 'base64 (standard or URL-safe) of the statement' },
    signatures: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ENVELOPE_SIGNATURES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sig'],
        properties: { keyid: { type: 'string', maxLength: MAX_KEYID_LENGTH }, sig: { type: 'string', maxLength: 2048 } },
      },
    },
  },
} as const;

const published = {
  type: 'object',
  properties: {
    index: { type: 'integer' },
    tlog_proof: { type: 'string', description: 'c2sp.org/tlog-proof text' },
    checkpoint: { type: 'string' },
    envelope: { type: 'string', description: 'the canonical envelope the log holds' },
    leaf_hash: { type: 'string' },
    purls: { type: 'array', items: { type: 'string' } },
    signer: { type: 'object', properties: { org: { type: 'string' }, key_ids: { type: 'array', items: { type: 'string' } } } },
  },
} as const;

const record = {
  type: 'object',
  properties: {
    index: { type: 'integer' },
    added_at: { type: 'string' },
    predicate_type: { type: 'string' },
    purls: { type: 'array', items: { type: 'string' } },
    subjects: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, uri: { type: 'string' }, sha256: { type: 'string' } } } },
    key_ids: { type: 'array', items: { type: 'string' } },
    entry_url: { type: 'string' },
    proof_url: { type: 'string' },
  },
} as const;

const trustFile = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    version: { type: 'integer' },
    generated_at: { type: 'string' },
    policy: { type: 'string', description: 'The log policy verifiers apply (c2sp.org/tlog-policy), as GET /api/v1/log/policy serves it' },
    signatories: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          slug: { type: 'string' },
          name: { type: 'string' },
          keys: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                key_id: { type: 'string' },
                algorithm: { type: 'string' },
                public_key: { type: 'string' },
                created_at: { type: 'string' },
                revoked_at: { type: ['string', 'null'] },
                purl_namespaces: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const batchPublished = {
  type: 'object',
  properties: {
    checkpoint: { type: 'string', description: 'the signed checkpoint every proof of this batch is against' },
    published: { type: 'integer' },
    refused: { type: 'integer' },
    results: {
      type: 'array',
      description: 'one per envelope, in order: published (index, tlog_proof, …) or refused (problem)',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          tlog_proof: { type: 'string' },
          leaf_hash: { type: 'string' },
          purls: { type: 'array', items: { type: 'string' } },
          signer: { type: 'object', properties: { org: { type: 'string' }, key_ids: { type: 'array', items: { type: 'string' } } } },
          problem: ref('Problem'),
        },
      },
    },
  },
} as const;

/** Releases: publish signed release statements into the log, search them, and the verifiers' trust file. */
export function registerReleaseRoutes(app: FastifyInstance, ctx: Context): void {
  // Signatures are verified on worker threads (one per core but one), so HTTP and verification overlap.
  const verifier = new VerifyPool();
  app.addHook('onClose', async () => verifier.close());
  // A listening server starts its workers at once; apps that are only injected into (tests) start them when first needed.
  app.addHook('onListen', async () => verifier.start());
  const releases = new ReleaseService({ ...releaseDeps(ctx), verifier });

  // Publishing has its own scope so its JSON parser can be strict (duplicate
  // member names refused, invalid UTF-8 refused rather than replaced).
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: ctx.config.limits.bodyBytes }, (_req, body, done) => {
      try {
        const text = decodeUtf8(body as Buffer);
        if (text === undefined) throw new ValidationError([{ path: '', message: 'the body is not valid UTF-8' }]);
        done(null, parseStrictJson(text, 'the body', 'RELEASE_ENVELOPE_MALFORMED'));
      } catch (err) {
        done(err instanceof ValidationError ? err : new ValidationError([{ path: '', message: (err as Error).message }], 'The body is not valid JSON.'));
      }
    });
    scope.post<{ Body: unknown }>(
      '/api/v1/releases',
      {
        bodyLimit: ctx.config.limits.bodyBytes,
        schema: {
          tags: ['releases'],
          summary:
            "Publish a signed release: a DSSE envelope of an in-toto statement, signed with your organisation's registered key (org-admin or psirt of a member signatory). Returns once logged, with the tlog-proof.",
          body: envelopeBody,
          response: { 201: published, ...problems },
        },
      },
      async (req, reply) => reply.status(201).send(await releases.publish(req.principal, req.body)),
    );

    // A batch as NDJSON: each line's bytes go to a verification worker as they are, unparsed here.
    scope.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer', bodyLimit: MAX_BATCH_BODY_BYTES }, (_req, body, done) => {
      done(null, body);
    });
    // Bodies are read whole before the handler runs: bound what all batches in flight may hold.
    const budget = new ByteBudget(MAX_BATCH_BYTES_IN_FLIGHT);
    scope.post<{ Body: unknown }>(
      '/api/v1/releases/batch',
      {
        bodyLimit: MAX_BATCH_BODY_BYTES,
        preParsing: async (req, reply, payload) => {
          // Only a signed-in caller may hold part of the budget: anonymous bodies would otherwise
          // (sent slowly, or never) keep publishers out with 503s.
          requireUser(req.principal);
          const declared = Number(req.headers['content-length']);
          const bytes = Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, MAX_BATCH_BODY_BYTES) : MAX_BATCH_BODY_BYTES;
          budget.take(bytes);
          // Given back when the response is done or the connection drops, whichever comes first.
          reply.raw.once('close', () => budget.give(bytes));
          return payload;
        },
        schema: {
          tags: ['releases'],
          summary: `Publish up to ${MAX_BATCH_ENVELOPES} signed releases at once: NDJSON (application/x-ndjson, one DSSE envelope per line) or JSON {"envelopes": [...]}. Each envelope is checked as a single publish is and answered on its own (index and tlog-proof, or a problem); all proofs are against one checkpoint.`,
          response: { 200: batchPublished, ...problems },
        },
      },
      async (req, reply) => {
        const body = req.body;
        let result: Awaited<ReturnType<typeof releases.publishBatch>>;
        if (body instanceof Uint8Array) {
          const spans = ndjsonSpans(body);
          if (spans.length === 0) throw new ValidationError([{ path: '', message: 'the batch holds no envelope' }]);
          result = await releases.publishBatch(req.principal, { bytes: body, spans });
        } else {
          const envelopes = (body as { envelopes?: unknown } | null)?.envelopes;
          if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).some((k) => k !== 'envelopes') || !Array.isArray(envelopes)) {
            throw new ValidationError([{ path: '/envelopes', message: 'the body must be {"envelopes": [DSSE envelope, …]}' }]);
          }
          if (envelopes.length === 0) throw new ValidationError([{ path: '/envelopes', message: 'the batch holds no envelope' }]);
          result = await releases.publishBatch(req.principal, { values: envelopes });
        }
        let published = 0;
        const results = result.items.map((item) => {
          if ('ok' in item) {
            published++;
            return item.ok;
          }
          const m = mapError(item.error);
          if (m.status >= 500) req.log.error({ err: item.error }, 'a batch publish item failed');
          return { problem: problem(req, m) };
        });
        // Serialised here, not by the response schema: a batch answer is a megabyte of proof text,
        // which JSON.stringify escapes several times faster than the schema's serialiser. The schema
        // above still documents it, and the objects above hold only its fields.
        return reply.type('application/json; charset=utf-8').send(JSON.stringify({ checkpoint: result.checkpoint, published, refused: results.length - published, results }));
      },
    );
  });

  app.get<{ Querystring: { digest?: string; purl?: string; before?: number; limit: number } }>(
    '/api/v1/releases',
    {
      schema: {
        tags: ['releases'],
        summary: 'Find logged releases by artifact SHA-256 and/or purl (without a version: every version), newest first (public)',
        security: [],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            digest: { type: 'string', maxLength: 71 },
            purl: { type: 'string', maxLength: 2048 },
            before: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: record }, next: { type: ['integer', 'null'] } } }, ...problems },
      },
    },
    async (req) => {
      const q = parseReleaseQuery(req.query);
      // The index is fed from the published log; catching up here makes a release findable as soon as it is published.
      await ctx.indexReleases();
      const limit = req.query.limit;
      const found = await ctx.store.releases.search({
        ...(q.digest === undefined ? {} : { sha256: q.digest }),
        ...(q.purl === undefined ? {} : q.purl.version === undefined ? { pkg: purlPackage(q.purl) } : { purl: formatPurl(q.purl) }),
        ...(req.query.before === undefined ? {} : { before: req.query.before }),
        limit: limit + 1,
      });
      const items = (await Promise.all(found.slice(0, limit).map(async (i) => releaseRecord(await ctx.ledger.entry(i))))).filter(
        (r): r is NonNullable<typeof r> => r !== undefined,
      );
      const page = { items, next: found.length > limit ? found[limit - 1]! : null };
      return {
        items: page.items.map((r) => ({ ...r, entry_url: `/api/v1/log/entries/${r.index}`, proof_url: `/api/v1/log/entries/${r.index}/proof` })),
        next: page.next,
      };
    },
  );

  app.get(
    '/api/v1/trust',
    {
      schema: {
        tags: ['releases'],
        summary: "The trust file for offline verification: the log's tlog-policy (log key, witnesses, quorum) and every member signatory's release keys with the purl namespaces each may sign (public)",
        security: [],
        response: { 200: trustFile, ...problems },
      },
    },
    async (_req, reply) => reply.header('Cache-Control', 'no-cache').send(await releases.trustFile()),
  );
}
