import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { requireUser } from '../../registry/access.js';
import { ROLES, type Role } from '../../registry/types.js';
import { idParam, ref } from '../schemas.js';

const problems = { '4xx': ref('Problem') };
const idParams = { type: 'object', properties: { id: idParam } } as const;

/** The caller's own account, tokens, and user management by id. */
export function registerAccountRoutes(app: FastifyInstance, ctx: Context): void {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Who the token belongs to',
        response: { 200: { type: 'object', properties: { user: ref('User'), org: ref('Org'), token_id: { type: 'string' } } }, ...problems },
      },
    },
    async (req) => {
      const u = requireUser(req.principal);
      return { user: u.user, org: u.org, token_id: u.token_id };
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'Your API tokens (never their secrets)',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: ref('TokenInfo') } } }, ...problems },
      },
    },
    async (req) => ({ items: await ctx.members.listTokens(req.principal) }),
  );

  app.post<{ Body: { name: string; expires_in_days?: number } }>(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'Create an API token for yourself; the secret is in this response only',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, expires_in_days: { type: 'integer', minimum: 1, maximum: 366 } },
        },
        response: { 201: { type: 'object', properties: { token: { type: 'string' }, token_info: ref('TokenInfo') } }, ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.members.createToken(req.principal, req.body)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    {
      schema: { tags: ['account'], summary: 'Revoke a token', params: idParams, response: { 200: ref('TokenInfo'), ...problems } },
    },
    async (req) => ctx.members.revokeToken(req.principal, req.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/users/:id',
    { schema: { tags: ['users'], summary: 'A user of your organisation', params: idParams, response: { 200: ref('User'), ...problems } } },
    async (req) => ctx.members.getUser(req.principal, req.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { name?: string; role?: Role; disabled?: boolean } }>(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's name or role, or disable them (org-admins for their organisation; the secretariat for any)",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            role: { type: 'string', enum: ROLES },
            disabled: { type: 'boolean' },
          },
        },
        response: { 200: ref('User'), ...problems },
      },
    },
    async (req) => ctx.members.updateUser(req.principal, req.params.id, req.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/invitations/:id',
    { schema: { tags: ['users'], summary: 'Revoke an invitation', params: idParams, response: { 200: ref('Invitation'), ...problems } } },
    async (req) => ctx.members.revokeInvitation(req.principal, req.params.id),
  );
}
