import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { requireAdmin } from '../../registry/access.js';
import type { VotingRule } from '../../registry/types.js';
import { ref, slugParam, votingRuleSchema } from '../schemas.js';

const problems = { '4xx': ref('Problem') };

/** The secretariat's tools: pledges, the voting rule, the audit trail. */
export function registerAdminRoutes(app: FastifyInstance, ctx: Context): void {
  app.post<{ Body: { slug: string; title: string; description: string } }>(
    '/api/v1/pledges',
    {
      schema: {
        tags: ['admin'],
        summary: 'Define a new pledge (secretariat)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['slug', 'title', 'description'],
          properties: { slug: slugParam, title: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', minLength: 1, maxLength: 4000 } },
        },
        response: { 201: ref('Pledge'), ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.orgs.createPledge(req.principal, req.body)),
  );

  app.put<{ Body: VotingRule & { reason?: string } }>(
    '/api/v1/voting-rule',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change how members decide on applications (secretariat)',
        body: { ...votingRuleSchema, $id: undefined, properties: { ...votingRuleSchema.properties, reason: { type: 'string', maxLength: 2000 } } },
        response: { 200: ref('VotingRule'), ...problems },
      },
    },
    async (req) => {
      const { reason, ...rule } = req.body;
      return ctx.applications.setVotingRule(req.principal, rule, reason ?? null);
    },
  );

  app.get<{ Querystring: { type?: string; subject_id?: string; org?: string; before?: number; limit: number } }>(
    '/api/v1/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'The audit trail of every state change, newest first (secretariat)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { type: 'string', maxLength: 100 },
            subject_id: { type: 'string', maxLength: 100 },
            org: slugParam,
            before: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: ref('AuditEvent') }, next: { type: ['integer', 'null'] } } },
          ...problems,
        },
      },
    },
    async (req) => {
      requireAdmin(req.principal);
      const q = req.query;
      const actorOrgId = q.org === undefined ? undefined : (await ctx.orgs.getBySlug(q.org)).id;
      const items = await ctx.store.registry.listAudit({ type: q.type, subjectId: q.subject_id, actorOrgId, before: q.before, limit: q.limit + 1 });
      const page = items.slice(0, q.limit);
      return { items: page, next: items.length > q.limit ? (page[page.length - 1]?.id ?? null) : null };
    },
  );
}
