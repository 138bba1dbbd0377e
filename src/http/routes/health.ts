import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';

/** `GET /healthz`: 200 when the database answers, 503 otherwise (for load balancers). */
export function registerHealthRoutes(app: FastifyInstance, ctx: Context): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and database reachability',
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, log_origin: { type: 'string' } } },
          503: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' }, log_origin: { type: 'string' } } },
        },
      },
    },
    async (_req, reply) => {
      try {
        await ctx.store.ping();
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: ctx.store.capabilities.name, log_origin: ctx.log.origin });
      }
      return { status: 'ok', database: ctx.store.capabilities.name, log_origin: ctx.log.origin };
    },
  );
}
