import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { canSeeOrgInternals } from '../../registry/access.js';
import { RegistryError } from '../../registry/errors.js';
import type { OrgCreateInput, OrgPatch } from '../../registry/org-service.js';
import { ORG_STATUSES, ROLES, type OrgStatus, type Role } from '../../registry/types.js';
import { idParam, orgCreateSchema, pageOf, paging, profilePatchSchema, ref, slugParam } from '../schemas.js';

const problems = { '4xx': ref('Problem') };
const slugParams = { type: 'object', properties: { slug: slugParam } } as const;

/** Organisations: profile, status, release keys, pledges, users and invitations. */
export function registerOrgRoutes(app: FastifyInstance, ctx: Context): void {
  app.get<{ Querystring: { status?: OrgStatus[]; after?: string; limit: number } }>(
    '/api/v1/orgs',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Every organisation, any status (secretariat)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'array', items: { type: 'string', enum: ORG_STATUSES } }, after: slugParam, ...paging },
        },
        response: { 200: pageOf('Org'), ...problems },
      },
    },
    async (req) => ctx.orgs.listAll(req.principal, req.query),
  );

  app.post<{ Body: OrgCreateInput }>(
    '/api/v1/orgs',
    {
      schema: { tags: ['orgs'], summary: 'Create an organisation directly (secretariat)', body: orgCreateSchema, response: { 201: ref('Org'), ...problems } },
    },
    async (req, reply) => reply.status(201).send(await ctx.orgs.create(req.principal, req.body)),
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/orgs/:slug',
    {
      schema: { tags: ['orgs'], summary: 'An organisation (its own users and the secretariat)', params: slugParams, response: { 200: ref('Org'), ...problems } },
    },
    async (req) => {
      const org = await ctx.orgs.getBySlug(req.params.slug);
      if (!canSeeOrgInternals(req.principal, org.id)) {
        if (req.principal.kind === 'anonymous') throw new RegistryError('AUTH_REQUIRED', 'Sign in with an API token.');
        throw new RegistryError('FORBIDDEN', 'Use /api/v1/signatories/{slug} for the public profile.');
      }
      return org;
    },
  );

  app.patch<{ Params: { slug: string }; Body: OrgPatch }>(
    '/api/v1/orgs/:slug',
    {
      schema: {
        tags: ['orgs'],
        summary: "Update an organisation's profile (its org-admins, the secretariat)",
        params: slugParams,
        body: profilePatchSchema,
        response: { 200: ref('Org'), ...problems },
      },
    },
    async (req) => ctx.orgs.update(req.principal, req.params.slug, req.body),
  );

  app.post<{ Params: { slug: string }; Body: { status: OrgStatus; reason: string } }>(
    '/api/v1/orgs/:slug/status',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Change membership status, with a recorded reason (secretariat)',
        params: slugParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'reason'],
          properties: { status: { type: 'string', enum: ORG_STATUSES }, reason: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
        response: { 200: ref('Org'), ...problems },
      },
    },
    async (req) => ctx.orgs.setStatus(req.principal, req.params.slug, req.body.status, req.body.reason),
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/orgs/:slug/keys',
    {
      schema: {
        tags: ['orgs'],
        summary: "An organisation's release-signing keys, revoked ones included (public)",
        security: [],
        params: slugParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: ref('SigningKey') } } }, ...problems },
      },
    },
    async (req) => ({ items: await ctx.orgs.listKeys(req.params.slug) }),
  );

  app.post<{ Params: { slug: string }; Body: { name: string; public_key: string; purl_namespaces?: string[] } }>(
    '/api/v1/orgs/:slug/keys',
    {
      schema: {
        tags: ['orgs'],
        summary:
          'Register a release-signing public key (PEM SPKI; Ed25519 or ECDSA P-256) with the purl namespaces it may sign (default pkg:*/<slug>; wider grants by the secretariat only; no overlap with other signatories)',
        params: slugParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'public_key'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            public_key: { type: 'string', minLength: 1, maxLength: 10000 },
            purl_namespaces: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 2048 } },
          },
        },
        response: { 201: ref('SigningKey'), ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.orgs.addKey(req.principal, req.params.slug, req.body)),
  );

  app.delete<{ Params: { slug: string; id: string }; Querystring: { reason?: string } }>(
    '/api/v1/orgs/:slug/keys/:id',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Revoke a release-signing key',
        params: { type: 'object', properties: { slug: slugParam, id: idParam } },
        querystring: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 2000 } } },
        response: { 200: ref('SigningKey'), ...problems },
      },
    },
    async (req) => ctx.orgs.revokeKey(req.principal, req.params.slug, req.params.id, req.query.reason ?? null),
  );

  const pledgeParams = { type: 'object', properties: { slug: slugParam, pledge: slugParam } } as const;
  app.put<{ Params: { slug: string; pledge: string } }>(
    '/api/v1/orgs/:slug/pledges/:pledge',
    {
      schema: { tags: ['orgs'], summary: 'Endorse a pledge (dated)', params: pledgeParams, response: { 204: { type: 'null' }, ...problems } },
    },
    async (req, reply) => {
      await ctx.orgs.endorse(req.principal, req.params.slug, req.params.pledge);
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { slug: string; pledge: string }; Querystring: { reason?: string } }>(
    '/api/v1/orgs/:slug/pledges/:pledge',
    {
      schema: {
        tags: ['orgs'],
        summary: 'Withdraw an endorsement (dated, with an optional reason)',
        params: pledgeParams,
        querystring: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 2000 } } },
        response: { 204: { type: 'null' }, ...problems },
      },
    },
    async (req, reply) => {
      await ctx.orgs.withdrawEndorsement(req.principal, req.params.slug, req.params.pledge, req.query.reason ?? null);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/orgs/:slug/users',
    {
      schema: {
        tags: ['users'],
        summary: "An organisation's users (its own users, the secretariat)",
        params: slugParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: ref('User') } } }, ...problems },
      },
    },
    async (req) => {
      const org = await ctx.orgs.getBySlug(req.params.slug);
      return { items: await ctx.members.listUsers(req.principal, org.id) };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/orgs/:slug/invitations',
    {
      schema: {
        tags: ['users'],
        summary: "An organisation's invitations (its org-admins, the secretariat)",
        params: slugParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: ref('Invitation') } } }, ...problems },
      },
    },
    async (req) => {
      const org = await ctx.orgs.getBySlug(req.params.slug);
      return { items: await ctx.members.listInvitations(req.principal, org.id) };
    },
  );

  app.post<{ Params: { slug: string }; Body: { email: string; role: Role; expires_in_days?: number } }>(
    '/api/v1/orgs/:slug/invitations',
    {
      schema: {
        tags: ['users'],
        summary: 'Invite someone with a role; the secret is in this response only',
        params: slugParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email', 'role'],
          properties: {
            email: { type: 'string', minLength: 3, maxLength: 254 },
            role: { type: 'string', enum: ROLES },
            expires_in_days: { type: 'integer', minimum: 1, maximum: 30 },
          },
        },
        response: { 201: { type: 'object', properties: { invitation: ref('Invitation'), token: { type: 'string' } } }, ...problems },
      },
    },
    async (req, reply) => {
      const org = await ctx.orgs.getBySlug(req.params.slug);
      return reply.status(201).send(await ctx.members.invite(req.principal, org.id, req.body));
    },
  );
}
