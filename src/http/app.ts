import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Context } from '../context.js';
import { AccordError, ValidationError } from '../errors.js';
import { FailureLimiter, authHook } from './auth.js';
import { errorHandler, sendProblem, mapError } from './error-handler.js';
import { sharedSchemas } from './schemas.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerOrgRoutes } from './routes/orgs.js';
import { registerPublicRoutes } from './routes/public.js';
import { registerApplicationRoutes } from './routes/applications.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerLogRoutes } from './routes/log.js';
import { registerReleaseRoutes } from './routes/releases.js';
import { registerWebRoutes } from './routes/web.js';
import { registerTaxiiRoutes, taxiiError } from './routes/taxii.js';
import { registerIntelRoutes } from './routes/intel.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerAdvisoryRoutes } from './routes/advisories.js';
import { registerCsafProviderRoutes } from './routes/csaf-provider.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerCheckRoutes } from './routes/check.js';
import { registerMatchRoutes } from './routes/match.js';
import { holdsNul } from '../nul.js';

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
    // Request logs go through the http subsystem's pino logger, with a request id per line.
    ...(options.logger === false ? { logger: false } : { loggerInstance: ctx.loggers.http as FastifyBaseLogger }),
    bodyLimit: ctx.config.limits.bodyBytes,
    trustProxy: ctx.config.trustProxy,
    // Request ids let an operator find a failed request's log line.
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    // Errors the router raises before any hook (bad URL encoding, over-long parameters).
    frameworkErrors: (err, req, reply) => {
      const tooLong = (err as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH';
      if (req.url.startsWith('/taxii2/')) {
        return taxiiError(req, reply, tooLong ? new AccordError('URI_TOO_LONG', 'A path parameter is longer than the server accepts.') : new ValidationError([{ path: '', message: 'The URL is malformed.' }], 'The URL is malformed.'));
      }
      return sendProblem(req, reply, tooLong
        ? { status: 414, code: 'URI_TOO_LONG', detail: 'A path parameter is longer than the server accepts.' }
        : { status: 400, code: 'VALIDATION_FAILED', detail: 'The URL is malformed.' });
    },
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
  // The API speaks JSON only; a text/plain body is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');

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

  // Defence in depth: no Accord text may hold NUL (PostgreSQL cannot store it), whatever a route's checks.
  app.addHook('preValidation', async (req) => {
    if (holdsNul(req.body) || holdsNul(req.query) || holdsNul(req.params)) {
      throw new ValidationError([{ path: '', message: 'must not contain NUL characters' }]);
    }
  });

  const limiter = new FailureLimiter(ctx.config.limits.authFailuresPer15Min, 15 * 60_000);
  app.addHook('onRequest', authHook(ctx, limiter, (req, reply, err) => (req.url.startsWith('/taxii2/') || req.url === '/taxii2' ? taxiiError(req, reply, err) : sendProblem(req, reply, mapError(err)))));

  registerHealthRoutes(app, ctx);
  registerPublicRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerApplicationRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerLogRoutes(app, ctx);
  registerReleaseRoutes(app, ctx);
  registerIntelRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerAdvisoryRoutes(app, ctx);
  registerCsafProviderRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerCheckRoutes(app, ctx);
  registerMatchRoutes(app, ctx);
  await registerTaxiiRoutes(app, ctx);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerWebRoutes(app, options.webRoot ?? null);
  return app;
}
