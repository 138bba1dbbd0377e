import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Context } from '../../context.js';
import type { AdvisoryVersion } from '../../disclosure/ports.js';
import { AccordError } from '../../errors.js';
import { ref } from '../schemas.js';
import { requireActor } from './cases.js';

const problems = { '4xx': ref('Problem') };
const anyObject = { type: 'object', additionalProperties: true } as const;
const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
const caseParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const trackingParams = { type: 'object', required: ['tid'], properties: { tid: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:+-]*$' } } } as const;
const versionQuery = { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1, maximum: 100000 } } } as const;

/** Draft documents are JSON and may be large (many products); 4 MiB covers a big multi-vendor advisory. */
const DRAFT_BODY_LIMIT = 4 * 1024 * 1024;

const advisoryView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    tracking_id: { type: 'string' },
    status: { type: 'string' },
    draft: anyObject,
    draft_revision: { type: 'integer' },
    approvals: { type: 'object', additionalProperties: { type: 'integer' } },
    awaiting_approval: { type: 'array', items: { type: 'string' } },
    scheduled_for: { type: ['string', 'null'] },
    published_versions: { type: 'integer' },
    first_published_at: { type: ['string', 'null'] },
    updated_at: { type: 'string' },
  },
} as const;

const versionSummary = {
  type: 'object',
  properties: {
    tracking_id: { type: 'string' },
    version: { type: 'integer' },
    title: { type: 'string' },
    tlp: { type: 'string' },
    published_at: { type: 'string' },
    csaf_sha256: { type: 'string' },
    log_index: { type: ['integer', 'null'] },
    cves: { type: 'array', items: { type: 'string' } },
    severity: { type: ['string', 'null'] },
    base_score: { type: ['number', 'null'] },
  },
} as const;

/** The list fields of a published version, read from its own CSAF bytes. */
export function summariseVersion(v: AdvisoryVersion) {
  const doc = JSON.parse(v.csaf) as { vulnerabilities?: { cve?: string; scores?: { cvss_v3?: { baseScore?: number; baseSeverity?: string } }[] }[] };
  let best: { baseScore?: number; baseSeverity?: string } | null = null;
  for (const vuln of doc.vulnerabilities ?? []) for (const s of vuln.scores ?? []) if (s.cvss_v3 && (best === null || (s.cvss_v3.baseScore ?? 0) > (best.baseScore ?? 0))) best = s.cvss_v3;
  return {
    tracking_id: v.tracking_id,
    version: v.version,
    title: v.title,
    tlp: v.tlp,
    published_at: v.published_at,
    csaf_sha256: v.csaf_sha256,
    log_index: v.log_index,
    cves: (doc.vulnerabilities ?? []).flatMap((x) => (x.cve ? [x.cve] : [])),
    severity: best?.baseSeverity ?? null,
    base_score: best?.baseScore ?? null,
  };
}

function encodeCursor(v: AdvisoryVersion): string {
  return Buffer.from(`${v.published_at}|${v.advisory_id}`).toString('base64url');
}

function decodeCursor(s: string): { published_at: string; advisory_id: string } {
  const [published_at, advisory_id] = Buffer.from(s, 'base64url').toString().split('|');
  if (!published_at || !advisory_id) throw new AccordError('VALIDATION_FAILED', 'The cursor is not valid.');
  return { published_at, advisory_id };
}

function sendJsonBytes(reply: FastifyReply, text: string, type = 'application/json'): FastifyReply {
  // The exact bytes that were published (and logged): never re-serialised.
  return reply.header('content-type', type).header('cache-control', 'public, max-age=300').send(Buffer.from(text));
}

/** A case's advisory (drafting, approval, publication) and the public advisory list. */
export function registerAdvisoryRoutes(app: FastifyInstance, ctx: Context): void {
  const adv = ctx.advisories;

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id/advisory',
    { schema: { tags: ['advisories'], summary: "The case's advisory: draft, approvals, schedule", params: caseParams, response: { 200: { anyOf: [advisoryView, { type: 'null' }] }, ...problems } } },
    async (req) => adv.forCase(await requireActor(ctx, req), req.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/cases/:id/advisory',
    { schema: { tags: ['advisories'], summary: 'Create the advisory draft from the case (coordinator)', params: caseParams, response: { 201: advisoryView, ...problems } } },
    async (req, reply) => {
      reply.code(201);
      return adv.createDraft(await requireActor(ctx, req), req.params.id);
    },
  );

  app.put<{ Params: { id: string }; Body: { draft: Record<string, unknown>; revision: number } }>(
    '/api/v1/cases/:id/advisory',
    {
      bodyLimit: DRAFT_BODY_LIMIT,
      schema: {
        tags: ['advisories'],
        summary: 'Replace the draft (coordinator), naming the revision edited; approvals reset',
        params: caseParams,
        body: { type: 'object', additionalProperties: false, required: ['draft', 'revision'], properties: { draft: anyObject, revision: { type: 'integer', minimum: 1 } } },
        response: { 200: advisoryView, ...problems },
      },
    },
    async (req) => adv.updateDraft(await requireActor(ctx, req), req.params.id, req.body.draft, req.body.revision),
  );

  app.post<{ Params: { id: string }; Body: { draft?: Record<string, unknown> } | undefined }>(
    '/api/v1/cases/:id/advisory/preview',
    {
      bodyLimit: DRAFT_BODY_LIMIT,
      schema: {
        tags: ['advisories'],
        summary: 'Render the draft (or the draft given) as CSAF 2.0, OSV and CVE JSON 5, with every validation problem',
        params: caseParams,
        body: { type: 'object', additionalProperties: false, properties: { draft: anyObject } },
        response: {
          200: {
            type: 'object',
            properties: {
              version: { type: 'integer' },
              csaf: { type: 'string' },
              osv: { type: 'string' },
              cve: { type: ['string', 'null'] },
              problems: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' }, source: { type: 'string' } } } },
            },
          },
          ...problems,
        },
      },
    },
    async (req) => adv.preview(await requireActor(ctx, req), req.params.id, req.body?.draft),
  );

  app.post<{ Params: { id: string }; Body: { revision: number } }>(
    '/api/v1/cases/:id/advisory/approve',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Approve the draft revision you read (vendors)',
        params: caseParams,
        body: { type: 'object', additionalProperties: false, required: ['revision'], properties: { revision: { type: 'integer', minimum: 1 } } },
        response: { 200: advisoryView, ...problems },
      },
    },
    async (req) => adv.approve(await requireActor(ctx, req), req.params.id, req.body.revision),
  );

  app.post<{ Params: { id: string }; Body: { summary?: string } | undefined }>(
    '/api/v1/cases/:id/advisory/publish',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Publish (coordinator): at once without an embargo (202 scheduled for its end otherwise); needs every vendor approval and valid documents',
        params: caseParams,
        body: { type: 'object', additionalProperties: false, properties: { summary: { type: 'string', minLength: 1, maxLength: 1000 } } },
        response: { 200: { type: 'object', properties: { advisory: advisoryView, version: { anyOf: [versionSummary, { type: 'null' }] } } }, 202: { type: 'object', properties: { advisory: advisoryView, version: { type: 'null' } } }, ...problems },
      },
    },
    async (req, reply) => {
      const r = await adv.publish(await requireActor(ctx, req), req.params.id, req.body?.summary);
      if (r.version === null) reply.code(202);
      return { advisory: r.advisory, version: r.version ? summariseVersion(r.version) : null };
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/v1/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Published advisories, newest first (public)',
        security: [],
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 300 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: versionSummary }, next: { type: ['string', 'null'] } } }, ...problems },
      },
    },
    async (req) => {
      const items = await adv.listPublished({ limit: req.query.limit, ...(req.query.cursor ? { before: decodeCursor(req.query.cursor) } : {}) });
      const last = items[items.length - 1];
      return { items: items.map(summariseVersion), next: items.length === req.query.limit && last ? encodeCursor(last) : null };
    },
  );

  app.get<{ Params: { tid: string }; Querystring: { version?: number } }>(
    '/api/v1/advisories/:tid',
    {
      schema: {
        tags: ['advisories'],
        summary: 'A published advisory: its CSAF document, OSV records and every version (public)',
        security: [],
        params: trackingParams,
        querystring: versionQuery,
        response: { 200: { type: 'object', properties: { ...versionSummary.properties, versions: { type: 'array', items: { type: 'integer' } }, csaf: anyObject, osv: { type: 'array', items: anyObject } } }, ...problems },
      },
    },
    async (req) => {
      const { version, versions } = await adv.published(req.params.tid, req.query.version);
      return { ...summariseVersion(version), versions, csaf: JSON.parse(version.csaf) as object, osv: JSON.parse(version.osv) as object[] };
    },
  );

  // The OSV feed: every published record (latest advisory versions), for osv-scanner-style mirrors.
  app.get(
    '/api/v1/osv',
    { schema: { tags: ['advisories'], summary: 'The OSV feed: every OSV record of every published advisory, one JSON object per line (public)', security: [] } },
    async (_req, reply) => {
      const lines = Readable.from(
        (async function* () {
          let before: { published_at: string; advisory_id: string } | undefined;
          for (;;) {
            const page = await adv.listPublished({ limit: 200, ...(before ? { before } : {}) });
            let chunk = '';
            for (const v of page) for (const r of JSON.parse(v.osv) as object[]) chunk += `${JSON.stringify(r)}\n`;
            if (chunk) yield chunk;
            if (page.length < 200) return;
            const last = page[page.length - 1]!;
            before = { published_at: last.published_at, advisory_id: last.advisory_id };
          }
        })(),
      );
      return reply.header('content-type', 'application/x-ndjson').header('cache-control', 'public, max-age=300').send(lines);
    },
  );

  for (const format of ['csaf', 'osv', 'cve'] as const) {
    app.get<{ Params: { tid: string }; Querystring: { version?: number } }>(
      `/api/v1/advisories/:tid/${format}`,
      {
        schema: {
          tags: ['advisories'],
          summary: format === 'csaf' ? 'The exact CSAF 2.0 bytes published (and logged)' : format === 'osv' ? 'The OSV records (a JSON array)' : 'A CVE JSON 5 record draft for CNAs',
          security: [],
          params: trackingParams,
          querystring: versionQuery,
        },
      },
      async (req, reply) => {
        const { version } = await adv.published(req.params.tid, req.query.version);
        const text = format === 'csaf' ? version.csaf : format === 'osv' ? version.osv : version.cve;
        if (text === null) throw new AccordError('NOT_FOUND', 'This advisory has no CVE record draft (no vulnerability has a CVE id).');
        return sendJsonBytes(reply, text);
      },
    );
  }
}
