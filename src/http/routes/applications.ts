import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { APPLICATION_STATUSES, VOTE_CHOICES, type ApplicationStatus, type VoteChoice } from '../../registry/types.js';
import { idParam, pageOf, paging, ref } from '../schemas.js';

const problems = { '4xx': ref('Problem') };
const idParams = { type: 'object', properties: { id: idParam } } as const;
const reasonBody = (required: boolean) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: required ? ['reason'] : [],
    properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
  }) as const;

/** Membership applications: review, sponsorship, votes and decisions. */
export function registerApplicationRoutes(app: FastifyInstance, ctx: Context): void {
  app.get<{ Querystring: { status?: ApplicationStatus[]; cursor?: string; limit: number } }>(
    '/api/v1/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Applications, newest first (the secretariat and member organisations)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'array', items: { type: 'string', enum: APPLICATION_STATUSES } },
            cursor: { type: 'string', maxLength: 400 },
            ...paging,
          },
        },
        response: { 200: pageOf('Application'), ...problems },
      },
    },
    async (req) => ctx.applications.list(req.principal, req.query),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/applications/:id',
    {
      schema: {
        tags: ['applications'],
        summary: 'An application with its sponsors, votes and tally (how members voted stays hidden until the vote closes)',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              application: ref('Application'),
              sponsors: {
                type: 'array',
                items: { type: 'object', properties: { org_id: { type: 'string' }, user_id: { type: 'string' }, created_at: { type: 'string' } } },
              },
              votes: { type: 'array', items: ref('Vote') },
              tally: ref('Tally'),
            },
          },
          ...problems,
        },
      },
    },
    async (req) => ctx.applications.get(req.principal, req.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/applications/:id/sponsor',
    {
      schema: {
        tags: ['applications'],
        summary: "Sponsor an application on your organisation's behalf (org-admin of a member)",
        params: idParams,
        response: { 201: { type: 'object', properties: { application_id: { type: 'string' }, org_id: { type: 'string' }, created_at: { type: 'string' } } }, ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.applications.sponsor(req.principal, req.params.id)),
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/api/v1/applications/:id/open-vote',
    {
      schema: {
        tags: ['applications'],
        summary: 'Open the vote once enough members sponsor (secretariat)',
        params: idParams,
        body: reasonBody(false),
        response: { 200: ref('Application'), ...problems },
      },
    },
    async (req) => ctx.applications.openVote(req.principal, req.params.id, req.body?.reason ?? null),
  );

  app.post<{ Params: { id: string }; Body: { choice: VoteChoice; reason?: string } }>(
    '/api/v1/applications/:id/votes',
    {
      schema: {
        tags: ['applications'],
        summary: "Cast your organisation's one vote (org-admin of a member)",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['choice'],
          properties: { choice: { type: 'string', enum: VOTE_CHOICES }, reason: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
        response: { 201: ref('Vote'), ...problems },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.applications.vote(req.principal, req.params.id, req.body.choice, req.body.reason ?? null)),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/applications/:id/reject',
    {
      schema: {
        tags: ['applications'],
        summary: 'Reject an application before or during its vote, with a reason (secretariat)',
        params: idParams,
        body: reasonBody(true),
        response: { 200: ref('Application'), ...problems },
      },
    },
    async (req) => ctx.applications.reject(req.principal, req.params.id, req.body.reason),
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/api/v1/applications/:id/close',
    {
      schema: {
        tags: ['applications'],
        summary: 'Close the vote and decide: admission creates the organisation and invites its first org-admin (secretariat)',
        params: idParams,
        body: reasonBody(false),
        response: {
          200: {
            type: 'object',
            properties: {
              application: ref('Application'),
              tally: ref('Tally'),
              org: { anyOf: [ref('Org'), { type: 'null' }] },
              invitation: {
                anyOf: [{ type: 'object', properties: { invitation: ref('Invitation'), token: { type: 'string' } } }, { type: 'null' }],
              },
            },
          },
          ...problems,
        },
      },
    },
    async (req) => ctx.applications.close(req.principal, req.params.id, req.body?.reason ?? null),
  );
}
