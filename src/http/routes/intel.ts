import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { EXPORT_FORMATS, exportFileExtension, exporter, type ExportFormat } from '../../intel/export/index.js';
import type { Context } from '../../context.js';
import { AccordError, ValidationError } from '../../errors.js';
import { IntelError } from '../../intel/errors.js';
import { INTEL_COMMITMENT_KIND } from '../../intel/ledger-feed.js';
import type { CollectionGrant, IntelObjectVersion, IntelStatus, SharingGroup } from '../../intel/ports.js';
import { callerOf } from '../../intel/service.js';
import { identityIdOfOrg } from '../../intel/identity.js';
import { labelTerm, refTerm, valueTerm } from '../../intel/terms.js';
import { TLP_LEVELS, type TlpLevel } from '../../intel/tlp.js';
import { parseIdentifier } from '../../intel/stix/identifier.js';
import { ROLES } from '../../registry/types.js';
import { decodeCursor, encodeCursor } from './taxii.js';
import { isoToMicros, microsToIso, taxiiVersion } from '../../intel/timestamp.js';
import { ref } from '../schemas.js';

const problems = { '4xx': ref('Problem') };


const anyObject = { type: 'object', additionalProperties: true } as const;
const summary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    version: { type: 'string' },
    date_added: { type: 'string' },
    tlp: { type: 'string' },
    author_org_id: { type: 'string' },
    collection_id: { type: 'string' },
    revoked: { type: 'boolean' },
    object: anyObject,
  },
} as const;

function summarise(v: IntelObjectVersion) {
  return {
    id: v.stix_id,
    type: v.type,
    version: taxiiVersion(v),
    date_added: microsToIso(v.seq),
    tlp: v.tlp,
    author_org_id: v.author_org_id,
    collection_id: v.collection_id,
    revoked: v.revoked,
    object: JSON.parse(v.json) as Record<string, unknown>,
  };
}

const grantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['read', 'write'],
  properties: {
    org_id: { type: ['string', 'null'], maxLength: 64 },
    role: { type: ['string', 'null'], enum: [...ROLES, null] },
    read: { type: 'boolean' },
    write: { type: 'boolean' },
  },
} as const;

const collectionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    api_root: { type: 'string' },
    title: { type: 'string' },
    description: { type: ['string', 'null'] },
    alias: { type: ['string', 'null'] },
    default_tlp: { type: 'string' },
    public_read: { type: 'boolean' },
    grants: { type: 'array', items: grantSchema },
    can_read: { type: 'boolean' },
    can_write: { type: 'boolean' },
    taxii_url: { type: 'string' },
    created_at: { type: 'string' },
  },
} as const;

const groupSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    slug: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    owner_org_id: { type: 'string' },
    member_org_ids: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

const statusSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    collection_id: { type: 'string' },
    request_timestamp: { type: 'string' },
    total_count: { type: 'integer' },
    success_count: { type: 'integer' },
    failure_count: { type: 'integer' },
    pending_count: { type: 'integer' },
    successes: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'string' }, message: { type: 'string' } } } },
    failures: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

function statusOut(s: IntelStatus) {
  return { ...s, successes: s.successes.slice(0, 1000), failures: s.failures.slice(0, 1000) };
}

const tlpEnum = { type: 'string', enum: [...TLP_LEVELS] } as const;
const stixIdParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 300 } } } as const;
const slugPattern = '^[a-z0-9][a-z0-9-]{1,39}$';

function stixId(id: string): string {
  if (!parseIdentifier(id)) throw new IntelError('OBJECT_NOT_FOUND', `${JSON.stringify(id.slice(0, 120))} is not a STIX identifier`);
  return id;
}

/** The intel REST API (`/api/v1/intel/…`): search, object detail, sightings, collections, sharing groups, uploads, activity. */
export function registerIntelRoutes(app: FastifyInstance, ctx: Context): void {
  const intel = ctx.intel;

  app.get<{ Querystring: { q?: string; label?: string; ref?: string; type?: string; author?: string; tlp?: string; collection?: string; from?: string; to?: string; cursor?: string; limit: number } }>(
    '/api/v1/intel/objects',
    {
      schema: {
        tags: ['intel'],
        summary:
          'Search the latest version of objects you may read (TLP enforced): by observable value or indicator value (q, exact, case-insensitive), label, referenced object, type, author organisation (slug), TLP, collection and date added; newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 500 },
            label: { type: 'string', minLength: 1, maxLength: 200 },
            ref: { type: 'string', minLength: 1, maxLength: 300 },
            type: { type: 'string', maxLength: 600, description: 'comma-separated STIX types' },
            author: { type: 'string', maxLength: 64 },
            tlp: { type: 'string', maxLength: 100, description: 'comma-separated TLP levels' },
            collection: { type: 'string', maxLength: 64 },
            from: { type: 'string', maxLength: 40 },
            to: { type: 'string', maxLength: 40 },
            cursor: { type: 'string', maxLength: 64 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: summary }, next: { type: ['string', 'null'] } } }, ...problems },
      },
    },
    async (req) => {
      const q = req.query;
      const terms = [q.q !== undefined ? valueTerm(q.q) : undefined, q.label !== undefined ? labelTerm(q.label) : undefined, q.ref !== undefined ? refTerm(q.ref) : undefined].filter(
        (t): t is string => t !== undefined,
      );
      if (terms.length > 1) throw new ValidationError([{ path: '/query', message: 'give one of q, label and ref' }]);
      const types = q.type ? q.type.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
      let tlp: TlpLevel[] | undefined;
      if (q.tlp) {
        tlp = q.tlp.split(',').map((t) => t.trim().toUpperCase().replace(/^TLP:/, '')) as TlpLevel[];
        for (const t of tlp) if (!TLP_LEVELS.includes(t)) throw new ValidationError([{ path: '/query/tlp', message: `unknown TLP level ${JSON.stringify(t.slice(0, 20))}` }]);
      }
      let authorOrgId: string | undefined;
      if (q.author) {
        const org = await ctx.store.registry.getOrgBySlug(q.author);
        if (!org) return { items: [], next: null };
        authorOrgId = org.id;
      }
      const bound = (v: string | undefined, name: string): number | undefined => {
        if (v === undefined) return undefined;
        const us = isoToMicros(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
        if (us === null) throw new ValidationError([{ path: `/query/${name}`, message: 'must be a date (2026-01-31) or an RFC 3339 UTC timestamp' }]);
        return us;
      };
      const from = bound(q.from, 'from');
      const toRaw = bound(q.to, 'to');
      const to = toRaw !== undefined && q.to !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(q.to) ? toRaw + 86_400_000_000 - 1 : toRaw;
      const { rows, more } = await intel.search(callerOf(req.principal), {
        ...(types ? { types } : {}),
        ...(terms[0] ? { term: terms[0] } : {}),
        ...(authorOrgId ? { author_org_id: authorOrgId } : {}),
        ...(tlp ? { tlp } : {}),
        ...(q.collection ? { collection_ids: [q.collection] } : {}),
        ...(from !== undefined ? { addedFrom: from } : {}),
        ...(to !== undefined ? { addedTo: to } : {}),
        ...(q.cursor ? { before: decodeCursor(q.cursor) } : {}),
        limit: q.limit,
      });
      return { items: rows.map(summarise), next: more && rows.length > 0 ? encodeCursor(rows[rows.length - 1]!.seq) : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/intel/objects/:id',
    {
      schema: {
        tags: ['intel'],
        summary: 'An object you may read: its latest version, every version you may read, what refers to it (relationships, sightings, reports), and how to check its ledger entry',
        params: stixIdParam,
        response: {
          200: {
            type: 'object',
            properties: {
              ...summary.properties,
              versions: { type: 'array', items: summary },
              related: { type: 'array', items: summary },
              ledger: {
                type: ['object', 'null'],
                properties: { index: { type: 'integer' }, kind: { type: 'string' }, salt: { type: ['string', 'null'] }, entry_url: { type: 'string' }, proof_url: { type: 'string' } },
              },
            },
          },
          ...problems,
        },
      },
    },
    async (req) => {
      const { latest, versions, related } = await intel.object(callerOf(req.principal), stixId(req.params.id));
      return {
        ...summarise(latest),
        versions: versions.map(summarise),
        related: related.map(summarise),
        ledger:
          latest.log_index === null
            ? null
            : {
                index: latest.log_index,
                kind: latest.salt === null ? 'clear' : INTEL_COMMITMENT_KIND,
                salt: latest.salt,
                entry_url: `/api/v1/log/entries/${latest.log_index}`,
                proof_url: `/api/v1/log/entries/${latest.log_index}/proof`,
              },
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { count?: number; first_seen?: string; last_seen?: string; description?: string; tlp?: TlpLevel } }>(
    '/api/v1/intel/objects/:id/sightings',
    {
      schema: {
        tags: ['intel'],
        summary:
          "Record that your organisation saw this indicator (or other object): stored as a STIX sighting. AMBER or RED sightings name the object's author organisation, so the author sees who saw it.",
        params: stixIdParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            count: { type: 'integer', minimum: 0, maximum: 999_999_999 },
            first_seen: { type: 'string', format: 'date-time', maxLength: 40 },
            last_seen: { type: 'string', format: 'date-time', maxLength: 40 },
            description: { type: 'string', maxLength: 4000 },
            tlp: tlpEnum,
          },
        },
        response: { 201: statusSchema, ...problems },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req.principal);
      if (caller.kind !== 'user') throw new AccordError('AUTH_REQUIRED', 'Sign in with an API token.');
      const b = req.body;
      if (b.first_seen && b.last_seen && b.last_seen < b.first_seen) throw new ValidationError([{ path: '/last_seen', message: 'must not be before first_seen' }]);
      const orgRecipient = async (orgId: string): Promise<string> => {
        const org = await ctx.store.registry.getOrg(orgId);
        return org ? `org:${org.slug}` : `org-id:${orgId}`;
      };
      const status = await intel.recordSighting(caller, stixId(req.params.id), { ...b, identity_id: identityIdOfOrg(caller.orgId), orgRecipient });
      if (status.failure_count > 0) throw new ValidationError(status.failures.map((f) => ({ path: '', message: f.message ?? 'refused' })));
      return reply.status(201).send(statusOut(status));
    },
  );

  app.get<{ Querystring: { days: number } }>(
    '/api/v1/intel/activity',
    {
      schema: {
        tags: ['intel'],
        summary: 'Objects added per day by type and TLP (only what you may read)',
        querystring: { type: 'object', additionalProperties: false, properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 30 } } },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, type: { type: 'string' }, tlp: { type: 'string' }, count: { type: 'integer' } } } } },
          },
          ...problems,
        },
      },
    },
    async (req) => ({ items: await intel.activity(callerOf(req.principal), req.query.days) }),
  );

  app.get<{ Querystring: { format: string; collection?: string; type?: string } }>(
    '/api/v1/intel/export',
    {
      schema: {
        tags: ['intel'],
        summary: 'Export the latest version of every object you may read (TLP enforced) as a STIX bundle, CSV, Suricata rules, a Zeek intel file or a MISP event; streamed',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['format'],
          properties: {
            format: { type: 'string', enum: [...EXPORT_FORMATS] },
            collection: { type: 'string', maxLength: 64 },
            type: { type: 'string', maxLength: 600, description: 'comma-separated STIX types' },
          },
        },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req.principal);
      const format = req.query.format as ExportFormat;
      const types = req.query.type ? req.query.type.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
      const all = await intel.store.listCollections();
      const readable = all.filter((c) => intel.rights(c, caller).read && (req.query.collection === undefined || c.id === req.query.collection || c.alias === req.query.collection));
      if (req.query.collection !== undefined && readable.length === 0) throw new IntelError('COLLECTION_NOT_FOUND', 'no such collection you may read');
      const ex = exporter(format);
      async function* stream(): AsyncGenerator<string> {
        yield ex.header();
        for (const c of readable) {
          let after: number | undefined;
          for (;;) {
            // One page at a time: an export never holds a whole collection.
            const { rows, more } = await intel.list(c, caller, { limit: 1000, version: { kind: 'last' }, ...(after === undefined ? {} : { after }), ...(types ? { types } : {}) });
            let chunk = '';
            for (const r of rows) chunk += ex.line(JSON.parse(r.json) as Record<string, unknown>, { tlp: r.tlp, date_added: microsToIso(r.seq) });
            if (chunk) yield chunk;
            if (!more || rows.length === 0) break;
            after = rows[rows.length - 1]!.seq;
          }
        }
        yield ex.footer();
      }
      const name = `accord-intel.${exportFileExtension(format)}`;
      return reply.header('content-type', ex.contentType).header('content-disposition', `attachment; filename="${name}"`).send(Readable.from(stream()));
    },
  );

  // ---- Collections ---------------------------------------------------------

  app.get(
    '/api/v1/intel/collections',
    { schema: { tags: ['intel'], summary: 'Collections you may read or write, with their TAXII URLs', response: { 200: { type: 'object', properties: { items: { type: 'array', items: collectionSchema } } }, ...problems } } },
    async (req) => {
      const caller = callerOf(req.principal);
      const out = [];
      for (const root of await intel.store.listApiRoots()) {
        for (const c of await intel.collections(root.id, caller)) {
          out.push({ ...c, ...(caller.kind === 'user' && caller.role === 'admin' ? {} : { grants: [] }), taxii_url: `/taxii2/${root.id}/collections/${c.id}/` });
        }
      }
      return { items: out };
    },
  );

  const collectionBody = {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: ['string', 'null'], maxLength: 4000 },
      alias: { type: ['string', 'null'], pattern: slugPattern },
      default_tlp: tlpEnum,
      public_read: { type: 'boolean' },
      grants: { type: 'array', maxItems: 200, items: grantSchema },
    },
  } as const;

  app.post<{ Body: { api_root?: string; title: string; description?: string | null; alias?: string | null; default_tlp?: TlpLevel; public_read?: boolean; grants?: CollectionGrant[] } }>(
    '/api/v1/intel/collections',
    {
      schema: {
        tags: ['intel'],
        summary: 'Create a collection (secretariat): title, default TLP for unmarked objects, and read/write grants per organisation and role',
        body: { ...collectionBody, required: ['title'], properties: { ...collectionBody.properties, api_root: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' } } },
        response: { 201: collectionSchema, ...problems },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req.principal);
      const c = await intel.createCollection(caller, { ...req.body, api_root: req.body.api_root ?? 'api' });
      const r = intel.rights(c, caller);
      return reply.status(201).send({ ...c, can_read: r.read, can_write: r.write, taxii_url: `/taxii2/${c.api_root}/collections/${c.id}/` });
    },
  );

  app.patch<{ Params: { id: string }; Body: { title?: string; description?: string | null; alias?: string | null; default_tlp?: TlpLevel; public_read?: boolean; grants?: CollectionGrant[] } }>(
    '/api/v1/intel/collections/:id',
    {
      schema: {
        tags: ['intel'],
        summary: 'Change a collection (secretariat)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        body: collectionBody,
        response: { 200: collectionSchema, ...problems },
      },
    },
    async (req) => {
      const c = await intel.collectionById(req.params.id);
      return intel.updateCollection(callerOf(req.principal), c.api_root, c.id, req.body);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/intel/collections/:id',
    { schema: { tags: ['intel'], summary: 'Delete a collection and everything in it (secretariat); its ledger entries stay', params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } }, response: problems } },
    async (req, reply) => {
      const c = await intel.collectionById(req.params.id);
      await intel.deleteCollection(callerOf(req.principal), c.api_root, c.id);
      return reply.status(204).send();
    },
  );

  // ---- Uploads (the console's bundle upload; TAXII clients use /taxii2) -----

  app.post<{ Params: { id: string }; Body: { type?: string; id?: string; objects?: unknown[] } }>(
    '/api/v1/intel/collections/:id/bundles',
    {
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        tags: ['intel'],
        summary: 'Upload a STIX 2.1 bundle into a collection; answers 202 with the status (same processing as a TAXII POST)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        body: { type: 'object', required: ['type', 'objects'], properties: { type: { const: 'bundle' }, id: { type: 'string', maxLength: 100 }, objects: { type: 'array', maxItems: 100_000 } } },
        response: { 202: statusSchema, ...problems },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req.principal);
      const c = await intel.collectionById(req.params.id);
      const col = await intel.collection(c.api_root, c.id, caller, 'write');
      const status = await intel.submit(col, caller, req.body.objects ?? []);
      await intel.settle(status.id, 2000);
      return reply.status(202).send(statusOut((await intel.store.getStatus(status.id)) ?? status));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/intel/status/:id',
    { schema: { tags: ['intel'], summary: 'The status of an upload you made', params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } }, response: { 200: statusSchema, ...problems } } },
    async (req) => {
      const s = await intel.store.getStatus(req.params.id);
      if (!s) throw new IntelError('STATUS_NOT_FOUND', 'no such status');
      return statusOut(await intel.status(s.api_root, s.id, callerOf(req.principal)));
    },
  );

  // ---- Sharing groups ------------------------------------------------------

  const groupOut = (g: SharingGroup) => g;
  app.get(
    '/api/v1/intel/groups',
    { schema: { tags: ['intel'], summary: 'Sharing groups (signed-in members): organisations an AMBER or RED object can name at once', response: { 200: { type: 'object', properties: { items: { type: 'array', items: groupSchema } } }, ...problems } } },
    async (req) => ({ items: (await intel.listGroups(callerOf(req.principal))).map(groupOut) }),
  );
  const groupBody = {
    type: 'object',
    additionalProperties: false,
    properties: {
      slug: { type: 'string', pattern: slugPattern },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: ['string', 'null'], maxLength: 4000 },
      members: { type: 'array', maxItems: 500, uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' }, description: 'member organisation slugs' },
    },
  } as const;
  const memberIds = async (slugs: readonly string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const [i, s] of slugs.entries()) {
      const org = await ctx.store.registry.getOrgBySlug(s);
      if (!org) throw new ValidationError([{ path: `/members/${i}`, message: `no organisation ${JSON.stringify(s)}` }]);
      ids.push(org.id);
    }
    return ids;
  };
  app.post<{ Body: { slug: string; name: string; description?: string | null; members?: string[] } }>(
    '/api/v1/intel/groups',
    { schema: { tags: ['intel'], summary: 'Create a sharing group owned by your organisation (org-admin)', body: { ...groupBody, required: ['slug', 'name'] }, response: { 201: groupSchema, ...problems } } },
    async (req, reply) => {
      const g = await intel.createGroup(callerOf(req.principal), { slug: req.body.slug, name: req.body.name, description: req.body.description ?? null, member_org_ids: await memberIds(req.body.members ?? []) });
      return reply.status(201).send(g);
    },
  );
  const groupParams = { type: 'object', properties: { group: { type: 'string', maxLength: 64 } } } as const;
  app.get<{ Params: { group: string } }>(
    '/api/v1/intel/groups/:group',
    { schema: { tags: ['intel'], summary: 'A sharing group', params: groupParams, response: { 200: groupSchema, ...problems } } },
    async (req) => intel.getGroup(callerOf(req.principal), req.params.group),
  );
  app.patch<{ Params: { group: string }; Body: { name?: string; description?: string | null; members?: string[] } }>(
    '/api/v1/intel/groups/:group',
    {
      schema: {
        tags: ['intel'],
        summary: "Change a sharing group's name or members (org-admin of its owner); members gain or lose sight of objects that name the group at once",
        params: groupParams,
        body: { ...groupBody, properties: { name: groupBody.properties.name, description: groupBody.properties.description, members: groupBody.properties.members } },
        response: { 200: groupSchema, ...problems },
      },
    },
    async (req) =>
      intel.updateGroup(callerOf(req.principal), req.params.group, {
        ...(req.body.name !== undefined ? { name: req.body.name } : {}),
        ...(req.body.description !== undefined ? { description: req.body.description } : {}),
        ...(req.body.members !== undefined ? { member_org_ids: await memberIds(req.body.members) } : {}),
      }),
  );
  app.delete<{ Params: { group: string } }>(
    '/api/v1/intel/groups/:group',
    { schema: { tags: ['intel'], summary: 'Delete a sharing group (org-admin of its owner)', params: groupParams, response: problems } },
    async (req, reply) => {
      await intel.deleteGroup(callerOf(req.principal), req.params.group);
      return reply.status(204).send();
    },
  );
}
