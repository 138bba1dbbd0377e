import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { NotifyError } from '../../notify/errors.js';
import { newWebhookSubscription } from '../../notify/subscriptions.js';
import { requireMemberOrgAdmin } from '../../registry/access.js';
import { ref } from '../schemas.js';

const problems = { '4xx': ref('Problem') };
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const subscription = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    org_id: { type: 'string' },
    url: { type: 'string' },
    event_types: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    active: { type: 'boolean' },
    secret_hint: { type: 'string' },
    disabled_reason: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** Outbound webhooks of the caller's organisation (org-admins): case events reach its own systems, signed. */
export function registerWebhookRoutes(app: FastifyInstance, ctx: Context): void {
  const store = ctx.store.notify;

  async function own(orgId: string, id: string) {
    const s = await store.getSubscription(id);
    if (!s || s.org_id !== orgId) throw new NotifyError('SUBSCRIPTION_NOT_FOUND', 'No such webhook of your organisation.');
    return s;
  }

  app.post<{ Body: { url: string; event_types: string | string[] } }>(
    '/api/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events (org-admin). The signing secret is returned once; deliveries carry X-Accord-Signature.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'event_types'],
          properties: { url: { type: 'string', minLength: 8, maxLength: 2048 }, event_types: { anyOf: [{ type: 'string', const: '*' }, { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 100 } }] } },
        },
        response: { 201: { type: 'object', properties: { ...subscription.properties, secret: { type: 'string' } } }, ...problems },
      },
    },
    async (req, reply) => {
      const p = requireMemberOrgAdmin(req.principal);
      const row = newWebhookSubscription({ org_id: p.org.id, url: req.body.url, event_types: req.body.event_types }, ctx.clock);
      const created = await store.createSubscription(row);
      reply.code(201);
      return { ...created, secret: row.secret };
    },
  );

  app.get(
    '/api/v1/webhooks',
    { schema: { tags: ['webhooks'], summary: "Your organisation's webhooks (org-admin)", response: { 200: { type: 'object', properties: { items: { type: 'array', items: subscription } } }, ...problems } } },
    async (req) => {
      const p = requireMemberOrgAdmin(req.principal);
      return { items: await store.listSubscriptions({ org_id: p.org.id, limit: 1000 }) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Remove a webhook (org-admin)', params: idParams, response: { 204: { type: 'null' }, ...problems } } },
    async (req, reply) => {
      const p = requireMemberOrgAdmin(req.principal);
      await own(p.org.id, req.params.id);
      await store.deleteSubscription(req.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>(
    '/api/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log of a webhook: every attempt with its status, newest first (org-admin)',
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req) => {
      const p = requireMemberOrgAdmin(req.principal);
      await own(p.org.id, req.params.id);
      const page = await store.listDeliveries({ subscriptionId: req.params.id, limit: req.query.limit, ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
      return { items: page.rows, next: page.next_cursor };
    },
  );
}
