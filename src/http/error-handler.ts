import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AccordError, BackPressureError } from '../errors.js';

/** Every domain error code and the HTTP status it becomes. The docs' error table mirrors this. */
export const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION_FAILED: 400,
  KEY_INVALID: 400,
  LOG_RANGE_INVALID: 400,
  RELEASE_ENVELOPE_MALFORMED: 400,
  STIX_INVALID: 400,
  PATTERN_INVALID: 400,
  PATTERN_TOO_COMPLEX: 400,
  TLP_UNKNOWN: 400,
  RECIPIENT_UNKNOWN: 400,
  RELEASE_KEY_INVALID: 400,
  TILE_PATH_INVALID: 400,
  AUTH_REQUIRED: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  NOT_A_MEMBER: 403,
  RELEASE_PURL_NOT_ALLOWED: 403,
  INTEL_FORBIDDEN: 403,
  NOT_FOUND: 404,
  COLLECTION_NOT_FOUND: 404,
  OBJECT_NOT_FOUND: 404,
  STATUS_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  ORG_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  INVITATION_NOT_FOUND: 404,
  PLEDGE_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  APPLICATION_NOT_FOUND: 404,
  LOG_HASH_UNAVAILABLE: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  ORG_SLUG_TAKEN: 409,
  GROUP_SLUG_TAKEN: 409,
  COLLECTION_CONFLICT: 409,
  USER_EMAIL_TAKEN: 409,
  KEY_NAMESPACE_TAKEN: 409,
  PLEDGE_SLUG_TAKEN: 409,
  APPLICATION_STATE: 409,
  ALREADY_SPONSORED: 409,
  ALREADY_VOTED: 409,
  VOTING_CLOSED: 409,
  VOTING_OPEN: 409,
  LAST_ADMIN: 409,
  INVITATION_USED: 409,
  ALREADY_INITIALISED: 409,
  INVITATION_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  ENTRY_TOO_LARGE: 413,
  RELEASE_BATCH_TOO_LARGE: 413,
  STIX_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LOG_PROOF_INVALID: 422,
  RELEASE_STATEMENT_INVALID: 422,
  RELEASE_PURL_INVALID: 422,
  RELEASE_SIGNATURE_INVALID: 422,
  RELEASE_KEY_UNKNOWN: 422,
  RELEASE_KEY_REVOKED: 422,
  RELEASE_SUBJECT_MISMATCH: 422,
  RELEASE_TRUST_INVALID: 422,
  NOTE_MALFORMED: 422,
  NOTE_SIGNATURE_INVALID: 422,
  NOTE_UNVERIFIED: 422,
  NOTE_KEY_INVALID: 422,
  CHECKPOINT_MALFORMED: 422,
  CHECKPOINT_ORIGIN_MISMATCH: 422,
  COSIGNATURE_MALFORMED: 422,
  COSIGNATURE_QUORUM_NOT_MET: 422,
  TILE_INVALID: 422,
  ENTRY_BUNDLE_INVALID: 422,
  TLOG_PROOF_MALFORMED: 422,
  CASE_NOT_FOUND: 404,
  CASE_ITEM_NOT_FOUND: 404,
  ADVISORY_NOT_FOUND: 404,
  CASE_FORBIDDEN: 403,
  CASE_CONFLICT: 409,
  EMBARGO_TRANSITION_INVALID: 409,
  REPORT_STATE_INVALID: 409,
  PUBLICATION_REFUSED: 409,
  ADVISORY_CONFLICT: 409,
  EMBARGO_END_INVALID: 400,
  ADVISORY_INVALID: 400,
  CVSS_INVALID: 400,
  ADVISORY_FORMAT_UNKNOWN: 400,
  ADVISORY_KEY_INVALID: 400,
  ATTACHMENT_TOO_LARGE: 413,
  ADVISORY_TOO_LARGE: 413,
  WEBHOOK_URL_INVALID: 400,
  WEBHOOK_DESTINATION_FORBIDDEN: 400,
  NOTIFY_MESSAGE_INVALID: 400,
  NOTIFY_CURSOR_INVALID: 400,
  SUBSCRIPTION_NOT_FOUND: 404,
  SMTP_CONFIG_INVALID: 500,
  VERSION_INVALID: 400,
  VERSION_ECOSYSTEM_UNKNOWN: 400,
  VERSION_RANGE_INVALID: 400,
  SBOM_INVALID: 400,
  SBOM_PURL_INVALID: 400,
  SBOM_MATCH_RECORD_INVALID: 400,
  SBOM_TOO_LARGE: 413,
  MATCH_OPTIONS_INVALID: 400,
  MATCH_WORKER_FAILED: 500,
  RELEASE_WORKER_FAILED: 500,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BACK_PRESSURE: 503,
  STORE_UNAVAILABLE: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The reason phrase of a status, for error bodies (problem+json `title`, TAXII `title`). */
export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

export const WWW_AUTHENTICATE = 'Bearer realm="accord", Basic realm="accord", charset="UTF-8"';

/** An RFC 9457 problem details object, with Accord's `code` and field `errors` as extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: { path: string; message: string }[];
}

interface Mapped {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
  retryAfter?: number;
}

/** Turns anything thrown into a status, code and client-safe detail. */
export function mapError(err: unknown): Mapped {
  if (err instanceof AccordError) {
    const status = STATUS_BY_CODE[err.code] ?? 500;
    const errors = err.details?.errors as Mapped['errors'];
    return {
      status,
      code: status >= 500 && !(err.code in STATUS_BY_CODE) ? 'INTERNAL' : err.code,
      detail: status >= 500 && status !== 503 ? 'The server failed; the error was logged.' : err.message,
      ...(errors ? { errors } : {}),
      ...(err instanceof BackPressureError ? { retryAfter: err.retryAfterSeconds } : {}),
    };
  }
  const fe = err as FastifyError & { validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[] };
  if (fe && Array.isArray(fe.validation)) {
    const part = fe.validationContext ?? 'body';
    const errors = fe.validation.map((v) => ({
      path: `${part === 'body' ? '' : `/${part}`}${v.instancePath ?? ''}${v.params?.additionalProperty ? `/${String(v.params.additionalProperty)}` : v.params?.missingProperty ? `/${String(v.params.missingProperty)}` : ''}`,
      message: v.params?.additionalProperty ? 'is not a known field' : (v.message ?? 'is not valid'),
    }));
    return { status: 400, code: 'VALIDATION_FAILED', detail: 'The request is not valid.', errors };
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is larger than the server accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send application/json.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'VALIDATION_FAILED', detail: 'The body is not valid JSON.' };
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors (bad JSON, bad headers, …): safe to show.
    return { status: fe.statusCode, code: fe.statusCode === 429 ? 'RATE_LIMITED' : 'VALIDATION_FAILED', detail: fe.message };
  }
  return { status: 500, code: 'INTERNAL', detail: 'The server failed; the error was logged.' };
}

export function problem(req: FastifyRequest, m: Mapped): Problem {
  return {
    type: `urn:accord:error:${m.code.toLowerCase().replace(/_/g, '-')}`,
    title: statusTitle(m.status),
    status: m.status,
    detail: m.detail,
    instance: req.url.split('?')[0] ?? req.url,
    code: m.code,
    ...(m.errors ? { errors: m.errors } : {}),
  };
}

/** Sends a problem+json response; also used by the not-found handler and the auth hook. */
export function sendProblem(req: FastifyRequest, reply: FastifyReply, m: Mapped): FastifyReply {
  if (m.status === 401) reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
  if (m.retryAfter !== undefined) reply.header('Retry-After', String(m.retryAfter));
  return reply.status(m.status).type('application/problem+json; charset=utf-8').send(problem(req, m));
}

/** The one error handler: maps, logs 5xx with their cause, hides 5xx internals from clients. */
export function errorHandler(this: unknown, err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const m = mapError(err);
  if (m.status >= 500) req.log.error({ err }, 'request failed');
  else req.log.info({ code: m.code, status: m.status }, 'request refused');
  return sendProblem(req, reply, m);
}
