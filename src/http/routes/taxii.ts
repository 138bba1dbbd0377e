import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.js';
import { AccordError, ValidationError } from '../../errors.js';
import { IntelError } from '../../intel/errors.js';
import type { IntelObjectVersion, VersionMatch } from '../../intel/ports.js';
import { callerOf } from '../../intel/service.js';
import { isTypeName, parseIdentifier } from '../../intel/stix/identifier.js';
import { isoToMicros, microsToIso, taxiiVersion } from '../../intel/timestamp.js';
import { mapError, statusTitle, WWW_AUTHENTICATE } from '../error-handler.js';

/**
 * OASIS TAXII 2.1 (Committee Specification 01) at `/taxii2/`: discovery (§4.1),
 * API roots (§4.2), status (§4.3), collections (§5.1, §5.2), objects (§5.3,
 * §5.4), object (§5.5, §5.6), versions (§5.7) and manifest (§5.8), with the
 * §3.6.1 error message on every failure. Every listing goes through the TLP
 * rule in the store's query, so a page never holds an object the caller may
 * not read, and `next` is a keyset cursor over the unique, commit-ordered
 * `date_added`: it never skips or repeats.
 */

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';
export const STIX_MEDIA = 'application/stix+json;version=2.1';
const MAX_PAGE = 1000;
/** Upper bound for any API root's max_content_length; each root's own limit is checked on top. */
export const TAXII_BODY_CEILING = 256 * 1024 * 1024;
/** How long a POST waits for its objects before answering with a `pending` status. */
const POST_SETTLE_MS = 2000;

declare module 'fastify' {
  interface FastifyRequest {
    taxiiBodyBytes?: number;
  }
}

/** The `next` cursor: opaque to clients, the seq of the last row served. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`c1.${seq}`).toString('base64url');
}

export function decodeCursor(s: string): number {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(s) ? Buffer.from(s, 'base64url').toString('latin1') : '';
  const m = /^c1\.(\d{1,16})$/.exec(text);
  if (!m) throw new ValidationError([{ path: '/query/next', message: 'is not a cursor this server issued' }]);
  return Number(m[1]);
}

/** The §3.6.1 error message. */
export function taxiiError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const m = mapError(err);
  let status = m.status;
  let code = m.code;
  let detail = m.detail;
  // Anonymous callers are told to authenticate rather than that something does not exist.
  if (req.principal?.kind !== 'user' && (code === 'COLLECTION_NOT_FOUND' || code === 'INTEL_FORBIDDEN' || code === 'STATUS_NOT_FOUND')) {
    status = 401;
    code = 'AUTH_REQUIRED';
    detail = 'Authenticate with an Accord API token (Bearer, or Basic with the token as password).';
  }
  if (status >= 500) req.log.error({ err }, 'taxii request failed');
  if (status === 401) reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
  if (m.retryAfter !== undefined) reply.header('Retry-After', String(m.retryAfter));
  const body: Record<string, unknown> = {
    title: statusTitle(status),
    description: detail,
    error_id: req.id,
    error_code: code,
    http_status: String(status),
  };
  if (m.errors) body.details = { errors: m.errors.slice(0, 100) };
  return reply.status(status).header('content-type', TAXII_MEDIA).send(Buffer.from(JSON.stringify(body)));
}

/** §1.6.8.1: the server answers in TAXII 2.1 media; anything the client accepts must include it. */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type === 'application/taxii+json') {
      // HTTP compares parameter values quoted or not: version="2.1" is version=2.1.
      const version = params.map((p) => /^version\s*=\s*"?([^"]*)"?$/.exec(p)).find((m) => m !== null);
      if (!version || version[1] === '2.1') return true;
    }
  }
  return false;
}

function list(v: unknown, name: string, max = 100): string[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((x) => x.trim());
  if (parts.length === 0 || parts.length > max || parts.some((p) => p.length === 0 || p.length > 300)) {
    throw new ValidationError([{ path: `/query/${name}`, message: `must be a comma-separated list of at most ${max} non-empty values` }]);
  }
  return parts;
}

interface Filters {
  addedAfter?: number;
  after?: number;
  limit: number;
  ids?: string[];
  types?: string[];
  version: VersionMatch;
  specVersions?: string[];
}

/** Reads the §3.4 URL parameters (only those the endpoint allows). */
export function parseFilters(query: Record<string, unknown>, allowed: readonly string[]): Filters {
  for (const k of Object.keys(query)) {
    if (!allowed.includes(k)) throw new ValidationError([{ path: `/query/${k.slice(0, 40)}`, message: `is not a parameter of this endpoint (allowed: ${allowed.join(', ')})` }]);
  }
  const f: Filters = { limit: MAX_PAGE, version: { kind: 'last' } };
  const one = (k: string): string | undefined => {
    const v = query[k];
    if (v === undefined) return undefined;
    if (Array.isArray(v) || typeof v !== 'string') throw new ValidationError([{ path: `/query/${k}`, message: 'may be given once' }]);
    return v;
  };
  const aa = one('added_after');
  if (aa !== undefined) {
    const us = isoToMicros(aa);
    if (us === null) throw new ValidationError([{ path: '/query/added_after', message: 'must be an RFC 3339 UTC timestamp such as 2026-01-01T00:00:00.000Z' }]);
    f.addedAfter = us;
  }
  const limit = one('limit');
  if (limit !== undefined) {
    if (!/^[0-9]{1,9}$/.test(limit) || Number(limit) < 1) throw new ValidationError([{ path: '/query/limit', message: 'must be a positive integer' }]);
    f.limit = Math.min(Number(limit), MAX_PAGE);
  }
  const next = one('next');
  if (next !== undefined) f.after = decodeCursor(next);
  const ids = list(query['match[id]'], 'match[id]');
  if (ids) {
    for (const id of ids) if (!parseIdentifier(id)) throw new ValidationError([{ path: '/query/match[id]', message: `${JSON.stringify(id.slice(0, 80))} is not a STIX identifier` }]);
    f.ids = ids;
  }
  const types = list(query['match[type]'], 'match[type]');
  if (types) {
    for (const t of types) if (!isTypeName(t)) throw new ValidationError([{ path: '/query/match[type]', message: `${JSON.stringify(t.slice(0, 80))} is not a STIX type name` }]);
    f.types = types;
  }
  const versions = list(query['match[version]'], 'match[version]');
  if (versions) {
    const keywords = versions.filter((v): v is 'first' | 'last' | 'all' => v === 'first' || v === 'last' || v === 'all');
    const stamps = versions.filter((v) => v !== 'first' && v !== 'last' && v !== 'all');
    for (const s of stamps) if (isoToMicros(s) === null) throw new ValidationError([{ path: '/query/match[version]', message: `${JSON.stringify(s.slice(0, 80))} is not first, last, all or a timestamp` }]);
    if (keywords.includes('all')) f.version = { kind: 'all' };
    else if (keywords.length === 0) f.version = { kind: 'exact', versions: stamps };
    else if (keywords.length === 1 && stamps.length === 0) f.version = { kind: keywords[0] as 'first' | 'last' };
    else f.version = { kind: 'union', first: keywords.includes('first'), last: keywords.includes('last'), versions: stamps };
  }
  const specs = list(query['match[spec_version]'], 'match[spec_version]');
  if (specs) {
    for (const s of specs) if (!/^[0-9]\.[0-9]$/.test(s)) throw new ValidationError([{ path: '/query/match[spec_version]', message: `${JSON.stringify(s.slice(0, 20))} is not a spec version such as 2.1` }]);
    f.specVersions = specs;
  }
  return f;
}

function pageHeaders(reply: FastifyReply, rows: readonly IntelObjectVersion[]): void {
  if (rows.length === 0) return;
  reply.header('X-TAXII-Date-Added-First', microsToIso(rows[0]!.seq));
  reply.header('X-TAXII-Date-Added-Last', microsToIso(rows[rows.length - 1]!.seq));
}

function envelope(rows: readonly IntelObjectVersion[], more: boolean): string {
  const head = `{"more":${more}${more ? `,"next":"${encodeCursor(rows[rows.length - 1]!.seq)}"` : ''}`;
  return rows.length === 0 ? `${head}}` : `${head},"objects":[${rows.map((r) => r.json).join(',')}]}`;
}

/**
 * §4.3.1. The detail lists are optional; one is sent only when it names every object its count counts
 * (a stored list keeps the first 1,000): clients such as taxii2-client refuse a status whose list and count
 * differ. A detail's version is required: an object without one (an SCO not yet stored, or refused) is
 * named with the request's timestamp.
 */
function statusBody(s: Awaited<ReturnType<Context['intel']['status']>>): Record<string, unknown> {
  const detail = (d: { id: string; version: string; message?: string }) => ({ id: d.id, version: d.version || s.request_timestamp, ...(d.message ? { message: d.message } : {}) });
  const whole = (name: string, list: readonly { id: string; version: string; message?: string }[], count: number) => (list.length === count ? { [name]: list.map(detail) } : {});
  return {
    id: s.id,
    status: s.status,
    request_timestamp: s.request_timestamp,
    total_count: s.total_count,
    success_count: s.success_count,
    ...whole('successes', s.successes, s.success_count),
    failure_count: s.failure_count,
    ...whole('failures', s.failures, s.failure_count),
    pending_count: s.pending_count,
    ...whole('pendings', s.pendings, s.pending_count),
  };
}

const ID_PARAM = /^[A-Za-z0-9._~-]{1,100}$/;

function send(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  // A Buffer, so Fastify sends the media type exactly as TAXII spells it (no added charset, no quoting).
  return reply.status(status).header('content-type', TAXII_MEDIA).send(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
}

export async function registerTaxiiRoutes(app: FastifyInstance, ctx: Context): Promise<void> {
  await app.register(
    async (taxii) => {
      taxii.setErrorHandler((err, req, reply) => taxiiError(req, reply, err));
      taxii.setNotFoundHandler((req, reply) => taxiiError(req, reply, new AccordError('NOT_FOUND', `no TAXII resource at ${req.url.split('?')[0]!.slice(0, 200)}`)));
      // TAXII bodies are application/taxii+json;version=2.1 only (§1.6.8); anything else is 415.
      taxii.removeAllContentTypeParsers();
      taxii.addContentTypeParser(/^application\/taxii\+json(\s*;.*)?$/i, { parseAs: 'string', bodyLimit: TAXII_BODY_CEILING }, (req, body, done) => {
        const ct = String(req.headers['content-type'] ?? '').toLowerCase();
        const version = /;\s*version\s*=\s*"?([^";\s]+)"?/.exec(ct)?.[1];
        if (version !== undefined && version !== '2.1') {
          done(new AccordError('UNSUPPORTED_MEDIA_TYPE', `TAXII version ${version} is not served here; send ${TAXII_MEDIA}`), undefined);
          return;
        }
        req.taxiiBodyBytes = Buffer.byteLength(body as string);
        // Kept as text: the one TAXII request with a body (adding objects) hands it to the intel service,
        // which parses a big envelope on its preparation worker rather than on this thread.
        done(null, body);
      });
      taxii.addHook('onRequest', async (req, reply) => {
        if (!acceptsTaxii(req.headers.accept)) {
          return taxiiError(req, reply, new AccordError('NOT_ACCEPTABLE', `this server answers in ${TAXII_MEDIA}; put it in Accept`));
        }
        return undefined;
      });
      taxii.addHook('onSend', async (_req, reply, payload) => {
        reply.header('Cache-Control', 'no-store');
        return payload;
      });

      const rootParam = (req: FastifyRequest): string => {
        const r = (req.params as { root: string }).root;
        if (!/^[a-z0-9-]{1,40}$/.test(r)) throw new IntelError('COLLECTION_NOT_FOUND', `no API root ${JSON.stringify(r.slice(0, 40))}`);
        return r;
      };
      const idParam = (req: FastifyRequest, name: string): string => {
        const v = (req.params as Record<string, string>)[name] ?? '';
        if (!ID_PARAM.test(v)) throw new IntelError(name === 'status' ? 'STATUS_NOT_FOUND' : name === 'object' ? 'OBJECT_NOT_FOUND' : 'COLLECTION_NOT_FOUND', `no such ${name}`);
        return v;
      };
      const base = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;

      // §4.1 Discovery
      taxii.get('/', async (req, reply) => {
        const roots = await ctx.intel.store.listApiRoots();
        return send(reply, {
          title: 'Accord TAXII 2.1',
          description: 'Threat intelligence shared by the signatories of the accord, under TLP 2.0 enforced per object.',
          contact: ctx.manifest.log_origin,
          ...(roots[0] ? { default: `${base(req)}/taxii2/${roots[0].id}/` } : {}),
          api_roots: roots.map((r) => `${base(req)}/taxii2/${r.id}/`),
        });
      });

      // §4.2 API root
      taxii.get('/:root/', async (req, reply) => {
        const root = await ctx.intel.apiRoot(rootParam(req));
        return send(reply, { title: root.title, ...(root.description ? { description: root.description } : {}), versions: [TAXII_MEDIA], max_content_length: root.max_content_length });
      });

      // §4.3 Status
      taxii.get('/:root/status/:status/', async (req, reply) => {
        const s = await ctx.intel.status(rootParam(req), idParam(req, 'status'), callerOf(req.principal));
        return send(reply, statusBody(s));
      });

      // §5.1 Collections
      taxii.get('/:root/collections/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const cs = await ctx.intel.collections(rootParam(req), caller);
        if (cs.length === 0 && caller.kind !== 'user') throw new IntelError('INTEL_FORBIDDEN', 'no collection is open to anonymous callers');
        return send(reply, cs.length === 0 ? {} : { collections: cs.map(collectionBody) });
      });

      // §5.2 Collection
      taxii.get('/:root/collections/:collection/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const c = await ctx.intel.collection(rootParam(req), idParam(req, 'collection'), caller);
        return send(reply, collectionBody({ ...c, ...canFlags(ctx.intel.rights(c, caller)) }));
      });

      // §5.3 Get objects
      taxii.get('/:root/collections/:collection/objects/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const c = await ctx.intel.collection(rootParam(req), idParam(req, 'collection'), caller, 'read');
        const f = parseFilters(req.query as Record<string, unknown>, ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']);
        const { rows, more } = await ctx.intel.list(c, caller, f);
        pageHeaders(reply, rows);
        return send(reply, envelope(rows, more));
      });

      // §5.4 Add objects
      taxii.post('/:root/collections/:collection/objects/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const rootId = rootParam(req);
        const root = await ctx.intel.apiRoot(rootId);
        const c = await ctx.intel.collection(rootId, idParam(req, 'collection'), caller, 'write');
        if ((req.taxiiBodyBytes ?? 0) > root.max_content_length) {
          throw new AccordError('PAYLOAD_TOO_LARGE', `the body is ${req.taxiiBodyBytes} bytes; this API root accepts at most ${root.max_content_length} (max_content_length)`);
        }
        const status = await ctx.intel.submitEnvelope(c, caller, typeof req.body === 'string' ? req.body : '');
        // Queued: the text is not needed while this request waits for its status.
        req.body = null;
        await ctx.intel.settle(status.id, POST_SETTLE_MS);
        const latest = await ctx.intel.status(rootId, status.id, caller);
        return send(reply, statusBody(latest), 202);
      });

      // §5.5 Get an object; §5.6 Delete an object
      taxii.get('/:root/collections/:collection/objects/:object/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const c = await ctx.intel.collection(rootParam(req), idParam(req, 'collection'), caller, 'read');
        const id = objectId(req);
        const f = parseFilters(req.query as Record<string, unknown>, ['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]']);
        const { rows, more } = await ctx.intel.list(c, caller, { ...f, ids: [id] });
        if (rows.length === 0 && f.after === undefined && f.addedAfter === undefined) throw new IntelError('OBJECT_NOT_FOUND', `no object ${id} you may read in this collection`);
        pageHeaders(reply, rows);
        return send(reply, envelope(rows, more));
      });
      taxii.delete('/:root/collections/:collection/objects/:object/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const c = await ctx.intel.collection(rootParam(req), idParam(req, 'collection'), caller);
        const id = objectId(req);
        const f = parseFilters(req.query as Record<string, unknown>, ['match[version]', 'match[spec_version]']);
        // §5.6 with §3.4's filters: the latest version unless match[version] says otherwise (`all` for every one).
        await ctx.intel.deleteObject(c, caller, id, f.version, f.specVersions);
        return send(reply, '');
      });

      // §5.7 Object versions
      taxii.get('/:root/collections/:collection/objects/:object/versions/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const c = await ctx.intel.collection(rootParam(req), idParam(req, 'collection'), caller, 'read');
        const id = objectId(req);
        const f = parseFilters(req.query as Record<string, unknown>, ['added_after', 'limit', 'next', 'match[spec_version]']);
        const { rows, more } = await ctx.intel.list(c, caller, { ...f, ids: [id], version: { kind: 'all' } });
        if (rows.length === 0 && f.after === undefined && f.addedAfter === undefined) throw new IntelError('OBJECT_NOT_FOUND', `no object ${id} you may read in this collection`);
        pageHeaders(reply, rows);
        return send(reply, { more, ...(more ? { next: encodeCursor(rows[rows.length - 1]!.seq) } : {}), ...(rows.length > 0 ? { versions: rows.map(taxiiVersion) } : {}) });
      });

      // §5.8 Manifest
      taxii.get('/:root/collections/:collection/manifest/', async (req, reply) => {
        const caller = callerOf(req.principal);
        const c = await ctx.intel.collection(rootParam(req), idParam(req, 'collection'), caller, 'read');
        const f = parseFilters(req.query as Record<string, unknown>, ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']);
        const { rows, more } = await ctx.intel.list(c, caller, f);
        pageHeaders(reply, rows);
        return send(reply, {
          more,
          ...(more ? { next: encodeCursor(rows[rows.length - 1]!.seq) } : {}),
          ...(rows.length > 0 ? { objects: rows.map((r) => ({ id: r.stix_id, date_added: microsToIso(r.seq), version: taxiiVersion(r), media_type: STIX_MEDIA })) } : {}),
        });
      });
    },
    { prefix: '/taxii2' },
  );
}

function objectId(req: FastifyRequest): string {
  const id = (req.params as { object: string }).object;
  if (!parseIdentifier(id)) throw new IntelError('OBJECT_NOT_FOUND', `${JSON.stringify(id.slice(0, 120))} is not a STIX identifier`);
  return id;
}

function canFlags(r: { read: boolean; write: boolean }): { can_read: boolean; can_write: boolean } {
  return { can_read: r.read, can_write: r.write };
}

function collectionBody(c: { id: string; title: string; description: string | null; alias: string | null; can_read: boolean; can_write: boolean }): Record<string, unknown> {
  return {
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    ...(c.alias ? { alias: c.alias } : {}),
    can_read: c.can_read,
    can_write: c.can_write,
    media_types: [STIX_MEDIA],
  };
}
