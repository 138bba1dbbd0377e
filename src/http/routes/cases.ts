import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../context.js';
import type { CaseActor } from '../../disclosure/access.js';
import { DisclosureError } from '../../disclosure/errors.js';
import { CASE_FACTS, NOT_AFFECTED_JUSTIFICATIONS, REPORT_STATES, VENDOR_STATUSES, type CaseFact, type NotAffectedJustification, type ReportState, type VendorStatusValue } from '../../disclosure/types.js';
import type { ReportInput } from '../../disclosure/service.js';
import { AccordError } from '../../errors.js';
import { ref } from '../schemas.js';

const problems = { '4xx': ref('Problem') };
const anyObject = { type: 'object', additionalProperties: true } as const;
const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
const caseParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const text = (max: number, min = 0) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const ntext = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;

/** The header a holder of a secret case link sends (a link's fragment never reaches server logs). */
export const CASE_LINK_HEADER = 'x-accord-case-link';

/** Report and attachment bodies carry base64 proof material: larger than the API's default body limit. */
const ATTACHMENT_BODY_LIMIT = 8 * 1024 * 1024;
/** Five attachments of 5 MiB (25 MiB, the case budget) in base64, plus the text. */
const REPORT_BODY_LIMIT = 36 * 1024 * 1024;

const attachmentInput = {
  type: 'object',
  additionalProperties: false,
  required: ['filename', 'media_type', 'content_base64'],
  properties: { filename: text(255, 1), media_type: text(127, 1), content_base64: { type: 'string', maxLength: 7 * 1024 * 1024 + 4 } },
} as const;

const reportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'description', 'products'],
  properties: {
    title: text(300, 3),
    description: text(100_000, 10),
    products: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: text(300, 1), vendor: ntext(200), purl: ntext(2048), cpe: ntext(1024), versions: ntext(300) },
      },
    },
    wishes: {
      type: 'object',
      additionalProperties: false,
      properties: { publish_after: ntext(40), credit: ntext(200), notes: ntext(4000) },
    },
    reporter: { type: 'object', additionalProperties: false, properties: { name: ntext(200), email: ntext(320) } },
    vendors: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } },
    attachments: { type: 'array', maxItems: 5, items: attachmentInput },
  },
} as const;

const embargoSchema = {
  type: 'object',
  properties: {
    state: { type: 'string' },
    end_at: { type: ['string', 'null'] },
    proposed_end_at: { type: ['string', 'null'] },
    proposed_by: { type: ['string', 'null'] },
    proposed_at: { type: ['string', 'null'] },
    accepted_by: { type: 'array', items: { type: 'string' } },
    started_at: { type: ['string', 'null'] },
    exited_at: { type: ['string', 'null'] },
    exit_reason: { type: ['string', 'null'] },
    required_acceptors: { type: 'array', items: { type: 'string' } },
    max_days: { type: 'integer' },
  },
} as const;

const summarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    number: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'string' },
    embargo: embargoSchema,
    facts: anyObject,
    you: { type: 'object', properties: { participant_id: { type: 'string' }, kind: { type: 'string' }, report_state: { type: 'string' } } },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

const participantSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    org_id: { type: ['string', 'null'] },
    report_state: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    is_you: { type: 'boolean' },
    created_at: { type: 'string' },
  },
} as const;

const attachmentMeta = {
  type: 'object',
  properties: { id: { type: 'string' }, participant_id: { type: 'string' }, filename: { type: 'string' }, media_type: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' }, created_at: { type: 'string' } },
} as const;

const caseView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    number: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    products: { type: 'array', items: anyObject },
    wishes: anyObject,
    facts: anyObject,
    status: { type: 'string' },
    embargo: embargoSchema,
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    version: { type: 'integer' },
    you: { type: 'array', items: { type: 'object', properties: { participant_id: { type: 'string' }, kind: { type: 'string' }, report_state: { type: 'string' } } } },
    participants: { type: 'array', items: participantSchema },
    vulnerabilities: { type: 'array', items: anyObject },
    statuses: { type: 'array', items: anyObject },
    messages: { type: 'array', items: anyObject },
    timeline: { type: 'array', items: anyObject },
    attachments: { type: 'array', items: attachmentMeta },
    advisory: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

/** The signed-in user, or the holder of a case link; null for anonymous callers. */
export async function caseActor(ctx: Context, req: FastifyRequest): Promise<CaseActor | null> {
  const link = req.headers[CASE_LINK_HEADER];
  if (typeof link === 'string' && link !== '') {
    const actor = await ctx.disclosure.actorForLink(link);
    // A wrong link is the same answer as a case that does not exist: nothing to probe.
    if (!actor) throw new DisclosureError('CASE_NOT_FOUND', 'No such case (the case link is not valid).');
    return actor;
  }
  const p = req.principal;
  if (p.kind !== 'user') return null;
  return { kind: 'user', userId: p.user.id, orgId: p.org.id, role: p.user.role, name: p.user.name, email: p.user.email };
}

/** The case actor, or 401 for an anonymous caller without a case link. */
export async function requireActor(ctx: Context, req: FastifyRequest): Promise<CaseActor> {
  const a = await caseActor(ctx, req);
  if (!a) throw new AccordError('AUTH_REQUIRED', 'Sign in, or open the case with its case link.');
  return a;
}

function encodeCursor(c: { updated_at: string; id: string }): string {
  return Buffer.from(`${c.updated_at}|${c.id}`).toString('base64url');
}

function decodeCursor(s: string): { updated_at: string; id: string } {
  const [updated_at, id] = Buffer.from(s, 'base64url').toString().split('|');
  if (!updated_at || !id || !/^\d{4}-\d{2}-\d{2}T/.test(updated_at)) throw new AccordError('VALIDATION_FAILED', 'The cursor is not valid.');
  return { updated_at, id };
}

/** Coordinated vulnerability disclosure: the public report form's API and the participants' case API. */
export function registerCaseRoutes(app: FastifyInstance, ctx: Context): void {
  const formLimit = { rateLimit: { max: ctx.config.limits.publicFormsPerHour, timeWindow: '1 hour' } };
  const d = ctx.disclosure;

  app.post<{ Body: ReportInput }>(
    '/api/v1/reports',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      config: formLimit,
      schema: {
        tags: ['disclosure'],
        summary: 'Report a vulnerability (no account needed). Anonymous reporters get a secret case link, shown once.',
        security: [],
        body: reportSchema,
        response: {
          201: {
            type: 'object',
            properties: { case_id: { type: 'string' }, number: { type: 'string' }, link_secret: { type: ['string', 'null'] }, case_url: { type: 'string' } },
          },
          ...problems,
        },
      },
    },
    async (req, reply) => {
      const actor = await caseActor(ctx, req);
      if (actor?.kind === 'link') throw new AccordError('FORBIDDEN', 'A case link cannot file new reports.');
      const r = await d.report(req.body, actor);
      reply.code(201);
      return {
        case_id: r.case.id,
        number: r.case.number,
        link_secret: r.link_secret,
        // The secret travels in the fragment: browsers never send it to the server or in Referer.
        case_url: r.link_secret ? `/cases/${r.case.id}#link=${r.link_secret}` : `/cases/${r.case.id}`,
      };
    },
  );

  app.get<{ Querystring: { status?: 'open' | 'closed'; limit: number; cursor?: string } }>(
    '/api/v1/cases',
    {
      schema: {
        tags: ['disclosure'],
        summary: "The caller's case inbox: cases their organisation (or they) take part in",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: ['open', 'closed'] }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 200 } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: summarySchema }, next: { type: ['string', 'null'] } } }, ...problems },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const items = await d.inbox(actor, { limit: req.query.limit, ...(req.query.status ? { status: req.query.status } : {}), ...(req.query.cursor ? { before: decodeCursor(req.query.cursor) } : {}) });
      const last = items[items.length - 1];
      return { items, next: items.length === req.query.limit && last ? encodeCursor(last) : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/cases/:id',
    { schema: { tags: ['disclosure'], summary: 'A case, as far as the caller may see it', params: caseParams, response: { 200: caseView, ...problems } } },
    async (req) => {
      const view = await d.view(await requireActor(ctx, req), req.params.id);
      return { ...view, advisory: await ctx.advisories.forCase(await requireActor(ctx, req), req.params.id) };
    },
  );

  app.post<{ Params: { id: string }; Body: { kind: 'vendor' | 'stakeholder' | 'coordinator'; org?: string; email?: string; name?: string } }>(
    '/api/v1/cases/:id/participants',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'Bring a vendor or stakeholder into the case (coordinator): a signatory by slug, or an outsider by e-mail who gets a case link',
        params: caseParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { type: 'string', enum: ['vendor', 'stakeholder', 'coordinator'] }, org: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' }, email: text(320, 3), name: text(200, 1) },
        },
        response: { 201: { type: 'object', properties: { participant: participantSchema, link_secret: { type: ['string', 'null'] } } }, ...problems },
      },
    },
    async (req, reply) => {
      const r = await d.addParticipant(await requireActor(ctx, req), req.params.id, req.body);
      reply.code(201);
      return { participant: { ...r.participant, is_you: false, report_state: r.participant.report_state }, link_secret: r.link_secret };
    },
  );

  app.put<{ Params: { id: string }; Body: { state: ReportState } }>(
    '/api/v1/cases/:id/report-state',
    {
      schema: {
        tags: ['disclosure'],
        summary: "Move the caller's own report state (received → valid/invalid → accepted/deferred → closed)",
        params: caseParams,
        body: { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { type: 'string', enum: [...REPORT_STATES] } } },
        response: { 200: participantSchema, ...problems },
      },
    },
    async (req) => {
      const p = await d.setReportState(await requireActor(ctx, req), req.params.id, req.body.state);
      return { ...p, is_you: true };
    },
  );

  const vulnBody = {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'description'],
    properties: {
      cve: { type: ['string', 'null'], maxLength: 30 },
      title: text(300, 1),
      description: text(50_000, 1),
      cwe: { type: ['object', 'null'], additionalProperties: false, required: ['id', 'name'], properties: { id: text(12, 5), name: text(300, 1) } },
      cvss: { type: ['object', 'null'], additionalProperties: false, required: ['version', 'vector'], properties: { version: { type: 'string', enum: ['3.1', '4.0'] }, vector: text(300, 10) } },
    },
  } as const;
  type VulnBody = { cve?: string | null; title: string; description: string; cwe?: { id: string; name: string } | null; cvss?: { version: '3.1' | '4.0'; vector: string } | null };

  app.post<{ Params: { id: string }; Body: VulnBody }>(
    '/api/v1/cases/:id/vulnerabilities',
    { schema: { tags: ['disclosure'], summary: 'Describe a vulnerability of the case (coordinator)', params: caseParams, body: vulnBody, response: { 201: anyObject, ...problems } } },
    async (req, reply) => {
      const v = await d.putVulnerability(await requireActor(ctx, req), req.params.id, req.body);
      reply.code(201);
      return v;
    },
  );

  const vulnParams = { type: 'object', required: ['id', 'vid'], properties: { id: uuid, vid: uuid } } as const;
  app.put<{ Params: { id: string; vid: string }; Body: VulnBody }>(
    '/api/v1/cases/:id/vulnerabilities/:vid',
    { schema: { tags: ['disclosure'], summary: 'Edit a vulnerability of the case (coordinator)', params: vulnParams, body: vulnBody, response: { 200: anyObject, ...problems } } },
    async (req) => d.putVulnerability(await requireActor(ctx, req), req.params.id, { ...req.body, id: req.params.vid }),
  );

  app.put<{ Params: { id: string; vid: string }; Body: { status: VendorStatusValue; justification?: NotAffectedJustification | null; statement?: string | null; versions?: string | null; shared: boolean } }>(
    '/api/v1/cases/:id/vulnerabilities/:vid/status',
    {
      schema: {
        tags: ['disclosure'],
        summary: "The calling vendor's status for a vulnerability; `shared` lets other participants see it",
        params: vulnParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'shared'],
          properties: {
            status: { type: 'string', enum: [...VENDOR_STATUSES] },
            justification: { type: ['string', 'null'], enum: [...NOT_AFFECTED_JUSTIFICATIONS, null] },
            statement: ntext(4000),
            versions: ntext(300),
            shared: { type: 'boolean' },
          },
        },
        response: { 200: anyObject, ...problems },
      },
    },
    async (req) => d.setStatus(await requireActor(ctx, req), req.params.id, req.params.vid, req.body),
  );

  app.post<{ Params: { id: string }; Body: { fact: CaseFact } }>(
    '/api/v1/cases/:id/facts',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'Assert a case fact (vendor aware, fix ready, fix deployed, public, exploit public, attacks observed); public facts end the embargo',
        params: caseParams,
        body: { type: 'object', additionalProperties: false, required: ['fact'], properties: { fact: { type: 'string', enum: [...CASE_FACTS] } } },
        response: { 200: anyObject, ...problems },
      },
    },
    async (req) => d.setFact(await requireActor(ctx, req), req.params.id, req.body.fact),
  );

  app.post<{ Params: { id: string }; Body: { end_at: string } }>(
    '/api/v1/cases/:id/embargo/propose',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'Propose an embargo end (or a revision of the active one); it takes effect when the coordinator and every vendor accept',
        params: caseParams,
        body: { type: 'object', additionalProperties: false, required: ['end_at'], properties: { end_at: text(40, 10) } },
        response: { 200: embargoSchema, ...problems },
      },
    },
    async (req) => d.proposeEmbargo(await requireActor(ctx, req), req.params.id, req.body.end_at),
  );

  for (const action of ['accept', 'reject', 'terminate'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/cases/:id/embargo/${action}`,
      {
        schema: {
          tags: ['disclosure'],
          summary: action === 'terminate' ? 'End the embargo now (coordinator)' : `${action === 'accept' ? 'Accept' : 'Reject'} the proposed embargo or revision`,
          params: caseParams,
          response: { 200: embargoSchema, ...problems },
        },
      },
      async (req) => {
        const actor = await requireActor(ctx, req);
        if (action === 'accept') return d.acceptEmbargo(actor, req.params.id);
        if (action === 'reject') return d.rejectEmbargo(actor, req.params.id);
        const e = await d.terminateEmbargo(actor, req.params.id);
        await ctx.advisories.publishDue();
        return e;
      },
    );
  }

  app.post<{ Params: { id: string }; Body: { body: string } }>(
    '/api/v1/cases/:id/messages',
    {
      schema: {
        tags: ['disclosure'],
        summary: "Post to the case's private thread",
        params: caseParams,
        body: { type: 'object', additionalProperties: false, required: ['body'], properties: { body: text(20_000, 1) } },
        response: { 201: anyObject, ...problems },
      },
    },
    async (req, reply) => {
      const m = await d.postMessage(await requireActor(ctx, req), req.params.id, req.body.body);
      reply.code(201);
      return m;
    },
  );

  app.post<{ Params: { id: string }; Body: { filename: string; media_type: string; content_base64: string } }>(
    '/api/v1/cases/:id/attachments',
    {
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: { tags: ['disclosure'], summary: 'Attach proof material (base64, at most 5 MiB each, 25 MiB per case)', params: caseParams, body: attachmentInput, response: { 201: attachmentMeta, ...problems } },
    },
    async (req, reply) => {
      const a = await d.addAttachment(await requireActor(ctx, req), req.params.id, req.body);
      reply.code(201);
      return a;
    },
  );

  app.get<{ Params: { id: string; aid: string } }>(
    '/api/v1/cases/:id/attachments/:aid',
    { schema: { tags: ['disclosure'], summary: 'Download an attachment (always as a file, never rendered)', params: { type: 'object', required: ['id', 'aid'], properties: { id: uuid, aid: uuid } } } },
    async (req, reply) => {
      const a = await d.attachment(await requireActor(ctx, req), req.params.id, req.params.aid);
      // Never let a browser render uploaded content: it is served as bytes to save.
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${a.meta.filename.replace(/"/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .header('x-accord-sha256', a.meta.sha256)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(a.content));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/cases/:id/close',
    { schema: { tags: ['disclosure'], summary: 'Close the case (coordinator; not while under embargo)', params: caseParams, response: { 200: anyObject, ...problems } } },
    async (req) => {
      const r = await d.close(await requireActor(ctx, req), req.params.id);
      return { id: r.id, status: r.status };
    },
  );
}
