import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Context } from '../context.js';
import { AccordError } from '../errors.js';
import { FailureLimiter, authHook } from './auth.js';
import { errorHandler, sendProblem, mapError } from './error-handler.js';
import { sharedSchemas } from './schemas.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerOrgRoutes } from './routes/orgs.js';
import { registerPublicRoutes } from './routes/public.js';
import { registerApplicationRoutes } from './routes/applications.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerWebRoutes } from './routes/web.js';

type AjvInstance = Ajv;
// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: AjvInstance) => AjvInstance;

export interface AppOptions {
  /** Where the built web console is; absent serves a short notice instead. */
  webRoot?: string | null;
  /** Fastify's own logger; tests pass false. */
  logger?: boolean;
  /** Called for every route as it is registered (the permission-matrix test lists them). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

function newAjv(coerce: boolean): AjvInstance {
  // Bodies are checked strictly (no coercion: "5" is not 5; unknown fields refused by the schemas);
  // query strings and path parameters are text by nature, so they are coerced.
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false });
  addFormats(ajv);
  for (const s of sharedSchemas) ajv.addSchema(s);
  return ajv;
}

/** Builds the unstarted Fastify app (only the CLI calls listen; tests use inject). */
export async function buildApp(ctx: Context, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: ctx.config.logLevel },
    bodyLimit: ctx.config.limits.bodyBytes,
    trustProxy: ctx.config.trustProxy,
    // Request ids let an operator find a failed request's log line.
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });
  if (options.onRoute) {
    const onRoute = options.onRoute;
    app.addHook('onRoute', (r) => onRoute({ method: r.method, url: r.url }));
  }
  const bodyAjv = newAjv(false);
  const paramAjv = newAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema) as never);
  for (const s of sharedSchemas) app.addSchema(s);

  app.setErrorHandler(errorHandler);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Served over plain HTTP on loopback by default: upgrading would break the console.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) => new AccordError('RATE_LIMITED', `Too many requests; try again in ${Math.ceil(c.ttl / 1000)} s.`),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accord API',
        version: '1',
        description:
          'REST API of Accord. Authenticate with `Authorization: Bearer <token>` or HTTP Basic with the token as password. Errors are RFC 9457 problem details.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }, {}],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const limiter = new FailureLimiter(ctx.config.limits.authFailuresPer15Min, 15 * 60_000);
  app.addHook('onRequest', authHook(ctx, limiter, (req, reply, err) => sendProblem(req, reply, mapError(err))));

  registerHealthRoutes(app, ctx);
  registerPublicRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerApplicationRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerWebRoutes(app, options.webRoot ?? null);
  return app;
}
