import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Cosigner } from '../ledger/cosignature.js';
import {
  addCheckpoint,
  originHash,
  TLOG_SIZE_CONTENT_TYPE,
  WitnessError,
  WitnessOldSizeError,
  type WitnessConfig,
  type WitnessErrorCode,
  type WitnessLog,
  type WitnessStore,
} from '../ledger/witness.js';

/**
 * The witness's HTTP face (c2sp.org/tlog-witness): `POST <prefix>/add-checkpoint`
 * and the monitoring read `GET <monitoring prefix>/<origin hash>/checkpoint`.
 *
 * This app is not the Accord API: its statuses and bodies are fixed by the spec
 * (plain text, a `text/x.tlog.size` 409), not RFC 9457 problems, so it answers
 * its own codes here rather than through src/http/error-handler.ts.
 */

/** Default bound on request bodies: a checkpoint with a few signatures and 63 proof lines is a few KiB. */
export const DEFAULT_WITNESS_BODY_LIMIT = 128 * 1024;

export interface WitnessAppOptions {
  readonly logs: ReadonlyMap<string, WitnessLog>;
  readonly cosigners: readonly Cosigner[];
  readonly store: WitnessStore;
  /** Submission prefix, a path such as `/witness` (default: none). */
  readonly prefix?: string;
  /** Monitoring prefix (default: the submission prefix; the spec allows them to be equal). */
  readonly monitoringPrefix?: string;
  /** Largest request body in bytes (default 128 KiB); larger ones get 413. */
  readonly bodyLimit?: number;
  /** Current time in POSIX seconds (default: the system clock). */
  readonly now?: () => number;
  /** Fastify's logger instance, or false (tests). */
  readonly logger?: FastifyBaseLogger | false;
}

const PREFIX = /^(?:\/[A-Za-z0-9._~-]+)*$/;
const ORIGIN_HASH = /^[0-9a-f]{64}$/;

/** The status the spec gives each refusal; anything else is the server's failure. */
function statusOf(code: WitnessErrorCode): number {
  switch (code) {
    case 'WITNESS_REQUEST_MALFORMED':
      return 400;
    case 'WITNESS_SIGNATURE_INVALID':
      return 403;
    case 'WITNESS_LOG_UNKNOWN':
      return 404;
    case 'WITNESS_OLD_SIZE_MISMATCH':
      return 409;
    case 'WITNESS_PROOF_INVALID':
    case 'WITNESS_SPLIT_VIEW':
      return 422;
    default:
      return 500;
  }
}

function sendText(reply: FastifyReply, status: number, text: string, contentType = 'text/plain; charset=utf-8'): FastifyReply {
  return reply.status(status).header('content-type', contentType).send(text.endsWith('\n') ? text : `${text}\n`);
}

function checkPrefix(name: string, value: string): string {
  if (!PREFIX.test(value)) throw new WitnessError('WITNESS_CONFIG_INVALID', `${name} must be empty or a path like /witness (no trailing slash), got ${JSON.stringify(value)}`);
  return value;
}

/** Builds the unstarted witness app; the caller owns the store and closes it after the app. */
export function buildWitnessApp(options: WitnessAppOptions): FastifyInstance {
  const prefix = checkPrefix('the submission prefix', options.prefix ?? '');
  const monitoringPrefix = checkPrefix('the monitoring prefix', options.monitoringPrefix ?? prefix);
  const bodyLimit = options.bodyLimit ?? DEFAULT_WITNESS_BODY_LIMIT;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1024) throw new WitnessError('WITNESS_CONFIG_INVALID', 'the body limit must be at least 1024 bytes');
  if (options.cosigners.length === 0) throw new WitnessError('WITNESS_CONFIG_INVALID', 'a witness needs a cosigner key');
  const witness: WitnessConfig = {
    logs: options.logs,
    cosigners: options.cosigners,
    store: options.store,
    now: options.now ?? (() => Math.floor(Date.now() / 1000)),
  };
  const originsByHash = new Map([...options.logs.keys()].map((origin) => [originHash(origin), origin]));

  const app = Fastify({
    ...(options.logger === false || options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    bodyLimit,
    // Slow senders are cut off; a request is one small body.
    requestTimeout: 30_000,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 100 },
    frameworkErrors: (_err, _req, reply) => sendText(reply, 400, 'malformed request'),
  });

  // The body is the spec's text format whatever the client labels it: take the raw bytes, bounded.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof WitnessOldSizeError) {
      return sendText(reply, 409, `${err.recordedSize}\n`, TLOG_SIZE_CONTENT_TYPE);
    }
    if (err instanceof WitnessError) {
      const status = statusOf(err.code);
      if (status < 500) {
        req.log.info({ code: err.code, status }, 'add-checkpoint refused');
        return sendText(reply, status, err.message);
      }
    }
    const fe = err as { code?: string; statusCode?: number };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendText(reply, 413, `the request body is larger than ${bodyLimit} bytes`);
    if (!(err instanceof WitnessError) && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendText(reply, fe.statusCode, 'malformed request');
    }
    // Storage or key failures: logged with their cause, never shown to the client.
    req.log.error({ err }, 'witness request failed');
    return sendText(reply, 500, 'internal error');
  });
  app.setNotFoundHandler((_req, reply) => sendText(reply, 404, 'not found'));

  app.post(`${prefix}/add-checkpoint`, async (req, reply) => {
    const body = req.body;
    if (!(body instanceof Uint8Array) || body.length === 0) throw new WitnessError('WITNESS_REQUEST_MALFORMED', 'the request body is empty');
    const decision = await addCheckpoint(witness, body, (refusal) => {
      // The spec suggests keeping these: a validly signed checkpoint that is inconsistent may prove log misbehaviour.
      req.log.warn({ origin: refusal.origin, code: refusal.error.code, body: refusal.body }, 'refused a validly signed checkpoint');
    });
    req.log.info({ origin: decision.record.origin, size: decision.record.size }, 'cosigned checkpoint');
    return sendText(reply, 200, decision.body);
  });
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: `${prefix}/add-checkpoint`,
    handler: (_req, reply) => sendText(reply.header('allow', 'POST'), 405, 'add-checkpoint takes POST'),
  });

  app.get<{ Params: { hash: string } }>(`${monitoringPrefix}/:hash/checkpoint`, async (req, reply) => {
    const origin = ORIGIN_HASH.test(req.params.hash) ? originsByHash.get(req.params.hash) : undefined;
    const record = origin === undefined ? undefined : await witness.store.latest(origin);
    if (record === undefined) return sendText(reply, 404, 'this witness has not cosigned a checkpoint of that log');
    return sendText(reply.header('cache-control', 'no-cache'), 200, record.note);
  });

  return app;
}
