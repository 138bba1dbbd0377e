import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { progressCsv, progressSummary } from '../../registry/progress.js';
import { applicationInputSchema, pageOf, paging, ref, slugParam } from '../schemas.js';
import type { ApplicationInput } from '../../registry/types.js';

const problems = { '4xx': ref('Problem') };

/** Endpoints anyone may call, signed in or not. */
export function registerPublicRoutes(app: FastifyInstance, ctx: Context): void {
  const formLimit = { rateLimit: { max: ctx.config.limits.publicFormsPerHour, timeWindow: '1 hour' } };

  app.get<{ Querystring: { after?: string; limit: number } }>(
    '/api/v1/signatories',
    {
      schema: {
        tags: ['public'],
        summary: 'The public directory of member signatories, with pledges, policy links and release keys',
        security: [],
        querystring: { type: 'object', additionalProperties: false, properties: { after: slugParam, ...paging } },
        response: { 200: pageOf('Signatory'), ...problems },
      },
    },
    async (req) => ctx.orgs.listSignatories({ after: req.query.after, limit: req.query.limit }),
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/signatories/:slug',
    {
      schema: {
        tags: ['public'],
        summary: "A signatory's public page",
        security: [],
        params: { type: 'object', properties: { slug: slugParam } },
        response: { 200: ref('Signatory'), ...problems },
      },
    },
    async (req) => ctx.orgs.signatory(req.principal, req.params.slug),
  );

  app.get(
    '/api/v1/pledges',
    {
      schema: {
        tags: ['public'],
        summary: 'Every pledge: the four principles and the commitments the secretariat defines',
        security: [],
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: ref('Pledge') } } } },
      },
    },
    async () => ({ items: await ctx.orgs.listPledges() }),
  );

  app.get(
    '/api/v1/voting-rule',
    { schema: { tags: ['public'], summary: 'How members decide on applications', security: [], response: { 200: ref('VotingRule') } } },
    async () => ctx.applications.votingRule(),
  );

  const yearQuery = {
    type: 'object',
    additionalProperties: false,
    properties: { year: { type: 'integer', minimum: 2000, maximum: 9999 } },
  } as const;

  app.get<{ Querystring: { year?: number } }>(
    '/api/v1/progress',
    {
      schema: {
        tags: ['public'],
        summary: 'Yearly progress: members, CVD policies, pledge endorsements (JSON)',
        security: [],
        querystring: yearQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              year: { type: 'integer' },
              as_of: { type: 'string' },
              members: { type: 'integer' },
              new_members: { type: 'integer' },
              with_cvd_policy: { type: 'integer' },
              with_security_txt: { type: 'integer' },
              by_sector: { type: 'object', additionalProperties: { type: 'integer' } },
              by_size_band: { type: 'object', additionalProperties: { type: 'integer' } },
              pledges: {
                type: 'array',
                items: { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' }, endorsements: { type: 'integer' } } },
              },
            },
          },
          ...problems,
        },
      },
    },
    async (req) => progressSummary(ctx.registry, req.query.year ?? ctx.clock.now().getUTCFullYear()),
  );

  app.get<{ Querystring: { year?: number } }>(
    '/api/v1/progress.csv',
    {
      schema: {
        tags: ['public'],
        summary: 'Yearly progress as CSV (metric,value)',
        security: [],
        querystring: yearQuery,
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const year = req.query.year ?? ctx.clock.now().getUTCFullYear();
      const csv = progressCsv(await progressSummary(ctx.registry, year));
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="accord-progress-${year}.csv"`)
        .send(csv);
    },
  );

  app.post<{ Body: ApplicationInput }>(
    '/api/v1/applications',
    {
      config: formLimit,
      schema: {
        tags: ['public'],
        summary: 'Apply to join the coalition (no account needed)',
        security: [],
        body: applicationInputSchema,
        response: { 201: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, submitted_at: { type: 'string' } } }, ...problems },
      },
    },
    async (req, reply) => {
      const app_ = await ctx.applications.submit({
        ...req.body,
        psirt_contact: req.body.psirt_contact ?? null,
        cvd_policy_url: req.body.cvd_policy_url ?? null,
        security_txt_url: req.body.security_txt_url ?? null,
      });
      return reply.status(201).send(app_);
    },
  );

  app.post<{ Body: { token: string; name: string } }>(
    '/api/v1/invitations/accept',
    {
      config: formLimit,
      schema: {
        tags: ['public'],
        summary: 'Accept an invitation: creates your user and returns your first API token (shown once)',
        security: [],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['token', 'name'],
          properties: { token: { type: 'string', minLength: 1, maxLength: 200 }, name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          201: { type: 'object', properties: { user: ref('User'), token: { type: 'string' }, token_info: ref('TokenInfo') } },
          ...problems,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.members.acceptInvitation(req.body)),
  );
}
