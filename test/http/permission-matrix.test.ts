/**
 * Every role against every endpoint. Each row names who may call it; every
 * other caller must get the stated refusal. A final test fails if a route
 * exists that no row covers, so new endpoints cannot skip this matrix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { applicationBody, demoToken, startHarness, type Harness } from './harness.js';
import { publishableRelease } from '../release/support.js';
import type { Principal, Role } from '../../src/registry/types.js';
import { DEFAULT_COLLECTION_ID } from '../../src/context.js';
import { tlpMarkingId } from '../../src/intel/tlp.js';
import { reportBody, validDraft } from './disclosure-support.js';

const CALLERS = ['anonymous', 'admin', 'org-admin', 'analyst', 'psirt', 'viewer', 'other-org-admin'] as const;
type Caller = (typeof CALLERS)[number];
const EVERYONE = new Set<Caller>(CALLERS);
const USERS = new Set<Caller>(CALLERS.filter((c) => c !== 'anonymous'));
const OWN_ORG = new Set<Caller>(['admin', 'org-admin', 'analyst', 'psirt', 'viewer']);
const OWN_ORG_ADMINS = new Set<Caller>(['admin', 'org-admin']);
const MEMBER_ORG_ADMINS = new Set<Caller>(['org-admin', 'other-org-admin']);
const ADMIN = new Set<Caller>(['admin']);

interface Env {
  h: Harness;
  tokens: Record<Exclude<Caller, 'anonymous'>, string>;
  userIds: Record<Exclude<Caller, 'anonymous'>, string>;
}

interface Row {
  method: string;
  /** The route as registered (to check coverage). */
  route: string;
  allowed: Set<Caller>;
  /** Status for an allowed caller. */
  ok: number;
  /** Status for a signed-in caller who is not allowed (default 403; anonymous callers always get 401). */
  denied?: Partial<Record<Caller, number>>;
  /** Builds the concrete URL and body for one call, creating fresh resources so calls do not interfere. */
  prepare?: (env: Env, caller: Caller) => Promise<{ url: string; body?: unknown }>;
  /** A TAXII 2.1 endpoint: called with TAXII media types, errors in the TAXII format. */
  taxii?: boolean;
}

const T = 'demo-northwind';

async function freshApplication(env: Env, stage: 'submitted' | 'sponsored' | 'voting' | 'all-voted'): Promise<string> {
  const { h } = env;
  const id = (await h.call('POST', '/api/v1/applications', { body: applicationBody() })).json().id as string;
  if (stage === 'submitted') return id;
  await h.call('POST', `/api/v1/applications/${id}/sponsor`, { token: demoToken(h.init, 'demo-fabrikam') });
  if (stage === 'sponsored') return id;
  await h.call('POST', `/api/v1/applications/${id}/open-vote`, { token: h.init.admin_token, body: {} });
  if (stage === 'voting') return id;
  for (const org of h.init.demo!.signatories) {
    await h.call('POST', `/api/v1/applications/${id}/votes`, { token: demoToken(h.init, org), body: { choice: 'yes' } });
  }
  return id;
}

async function freshInvitation(env: Env): Promise<{ id: string; token: string }> {
  const r = await env.h.call('POST', `/api/v1/orgs/${T}/invitations`, { token: env.h.init.admin_token, body: { email: `${randomUUID()}@demo-northwind.example`, role: 'viewer' } });
  return { id: r.json().invitation.id, token: r.json().token };
}

async function freshKey(env: Env): Promise<string> {
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const r = await env.h.call('POST', `/api/v1/orgs/${T}/keys`, { token: env.h.init.admin_token, body: { name: 'k', public_key: pem } });
  return r.json().id;
}

async function freshViewer(env: Env): Promise<string> {
  const inv = await freshInvitation(env);
  const r = await env.h.call('POST', '/api/v1/invitations/accept', { body: { token: inv.token, name: 'Target' } });
  return r.json().user.id;
}

const COLLECTION = `/taxii2/api/collections/${DEFAULT_COLLECTION_ID}/`;
const TAXII_MEDIA = 'application/taxii+json;version=2.1';
/** Every role that may write to the default collection (not viewers), in either organisation. */
const INTEL_WRITERS = new Set<Caller>(['admin', 'org-admin', 'analyst', 'psirt', 'other-org-admin']);

function matrixIndicator(tlp: 'CLEAR' | 'GREEN' = 'GREEN'): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    pattern: "[ipv4-addr:value = '192.0.2.1']",
    pattern_type: 'stix',
    valid_from: now,
    object_marking_refs: [tlpMarkingId(tlp)],
  };
}

async function postAs(env: Env, token: string, objects: unknown[]): Promise<{ id: string }> {
  const r = await env.h.call('POST', `${COLLECTION}objects/`, { token, headers: { accept: TAXII_MEDIA, 'content-type': TAXII_MEDIA }, payload: JSON.stringify({ objects }) });
  assert.equal(r.statusCode, 202, r.body);
  return r.json() as { id: string };
}

/** A TLP:CLEAR object anyone may read. */
async function clearObject(env: Env): Promise<string> {
  const o = matrixIndicator('CLEAR');
  await postAs(env, env.tokens.analyst, [o]);
  return o.id as string;
}

/** An object posted by the target organisation's analyst. */
async function analystObject(env: Env): Promise<string> {
  const o = matrixIndicator();
  await postAs(env, env.tokens.analyst, [o]);
  return o.id as string;
}

/** A status resource of the target organisation's analyst. */
async function analystStatus(env: Env): Promise<string> {
  return (await postAs(env, env.tokens.analyst, [matrixIndicator()])).id;
}

async function freshCollection(env: Env): Promise<string> {
  const r = await env.h.call('POST', '/api/v1/intel/collections', { token: env.h.init.admin_token, body: { title: 'fresh' } });
  return r.json().id as string;
}

/** A sharing group owned by the target organisation. */
async function freshGroup(env: Env): Promise<string> {
  const slug = `g-${randomUUID().slice(0, 8)}`;
  const r = await env.h.call('POST', '/api/v1/intel/groups', { token: env.tokens['org-admin'], body: { slug, name: 'Fresh' } });
  assert.equal(r.statusCode, 201, r.body);
  return slug;
}

/** Who works a case where the target organisation is a vendor: the coordinator (secretariat) and the vendor's case roles. */
const CASE_PARTIES = new Set<Caller>(['admin', 'org-admin', 'psirt']);
/** Everyone else signed in gets "no such case". */
const NOT_PARTY = { analyst: 404, viewer: 404, 'other-org-admin': 404 } as const;
const COORDINATOR_ONLY = { ...NOT_PARTY, 'org-admin': 403, psirt: 403 } as const;
const VENDOR_ONLY = { ...NOT_PARTY, admin: 403 } as const;

/** A fresh case reported anonymously (with an attachment) naming the target organisation as vendor. */
async function freshCase(env: Env): Promise<{ id: string; attachment: string }> {
  const r = await env.h.call('POST', '/api/v1/reports', {
    body: reportBody({ vendors: [T], attachments: [{ filename: 'poc.txt', media_type: 'text/plain', content_base64: Buffer.from('poc').toString('base64') }] }),
  });
  assert.equal(r.statusCode, 201, r.body);
  const id = r.json().case_id as string;
  const link = r.json().link_secret as string;
  const v = (await env.h.call('GET', `/api/v1/cases/${id}`, { headers: { 'x-accord-case-link': link } })).json();
  return { id, attachment: v.attachments[0].id };
}

async function caseWithVuln(env: Env): Promise<{ id: string; vuln: string }> {
  const { id } = await freshCase(env);
  const v = await env.h.call('POST', `/api/v1/cases/${id}/vulnerabilities`, { token: env.h.init.admin_token, body: { title: 'v', description: 'd' } });
  return { id, vuln: v.json().id as string };
}

async function caseWithEmbargo(env: Env, state: 'proposed' | 'active'): Promise<string> {
  const { id } = await freshCase(env);
  await env.h.call('POST', `/api/v1/cases/${id}/embargo/propose`, { token: env.h.init.admin_token, body: { end_at: new Date(Date.now() + 20 * 86_400_000).toISOString() } });
  if (state === 'active') await env.h.call('POST', `/api/v1/cases/${id}/embargo/accept`, { token: env.tokens['org-admin'] });
  return id;
}

/** A case with a valid advisory draft at revision 2 (and approved by the vendor when `approved`). */
async function caseWithDraft(env: Env, approved = false): Promise<string> {
  const { id } = await freshCase(env);
  await env.h.call('POST', `/api/v1/cases/${id}/advisory`, { token: env.h.init.admin_token });
  const r = await env.h.call('PUT', `/api/v1/cases/${id}/advisory`, { token: env.h.init.admin_token, body: { draft: validDraft(), revision: 1 } });
  assert.equal(r.statusCode, 200, r.body);
  if (approved) assert.equal((await env.h.call('POST', `/api/v1/cases/${id}/advisory/approve`, { token: env.tokens['org-admin'], body: { revision: 2 } })).statusCode, 200);
  return id;
}

let publishedAdvisory: Promise<string> | undefined;
/** One published advisory (its tracking id), created on first use. */
function published(env: Env): Promise<string> {
  publishedAdvisory ??= (async () => {
    const id = await caseWithDraft(env, true);
    const r = await env.h.call('POST', `/api/v1/cases/${id}/advisory/publish`, { token: env.h.init.admin_token, body: {} });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().advisory.tracking_id as string;
  })();
  return publishedAdvisory;
}

async function csafPath(env: Env): Promise<string> {
  await published(env);
  return (await env.h.call('GET', '/.well-known/csaf/white/index.txt')).body.trim().split('\n')[0]!;
}

async function ownWebhook(env: Env): Promise<string> {
  const r = await env.h.call('POST', '/api/v1/webhooks', { token: env.tokens['org-admin'], body: { url: 'https://hooks.example/accord', event_types: '*' } });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id as string;
}

const ROWS: Row[] = [
  { method: 'GET', route: '/healthz', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/openapi.json', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/signatories', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/signatories/:slug', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: `/api/v1/signatories/${T}` }) },
  { method: 'GET', route: '/api/v1/pledges', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/voting-rule', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/progress', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/progress.csv', allowed: EVERYONE, ok: 200 },
  { method: 'POST', route: '/api/v1/applications', allowed: EVERYONE, ok: 201, prepare: async () => ({ url: '/api/v1/applications', body: applicationBody() }) },
  {
    method: 'POST',
    route: '/api/v1/invitations/accept',
    allowed: EVERYONE,
    ok: 201,
    prepare: async (env) => ({ url: '/api/v1/invitations/accept', body: { token: (await freshInvitation(env)).token, name: 'New' } }),
  },
  { method: 'GET', route: '/api/v1/orgs/:slug/keys', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: `/api/v1/orgs/${T}/keys` }) },
  // The transparency log is public.
  { method: 'GET', route: '/log/checkpoint', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/log/policy', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/log/tile/*', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/log/tile/0/000.p/1' }) },
  { method: 'GET', route: '/api/v1/log/entries/:index', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/log/entries/0' }) },
  { method: 'GET', route: '/api/v1/log/entries/:index/proof', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/log/entries/0/proof' }) },
  { method: 'GET', route: '/api/v1/log/proof/inclusion', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/log/proof/inclusion?index=0' }) },
  { method: 'GET', route: '/api/v1/log/proof/consistency', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/log/proof/consistency?from=1' }) },
  // Releases: published by org-admins and PSIRT members of member signatories, with their own organisation's key; read by anyone.
  {
    method: 'POST',
    route: '/api/v1/releases',
    allowed: new Set<Caller>(['org-admin', 'psirt', 'other-org-admin']),
    ok: 201,
    prepare: async (env, caller) => ({ url: '/api/v1/releases', body: await publishableRelease(env.h, caller === 'other-org-admin' ? 'demo-contoso-cloud' : T) }),
  },
  {
    method: 'POST',
    route: '/api/v1/releases/batch',
    allowed: new Set<Caller>(['org-admin', 'psirt', 'other-org-admin']),
    ok: 200,
    prepare: async (env, caller) => ({ url: '/api/v1/releases/batch', body: { envelopes: [await publishableRelease(env.h, caller === 'other-org-admin' ? 'demo-contoso-cloud' : T)] } }),
  },
  { method: 'GET', route: '/api/v1/releases', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: `/api/v1/releases?digest=${'0'.repeat(64)}` }) },
  { method: 'GET', route: '/api/v1/trust', allowed: EVERYONE, ok: 200 },

  { method: 'GET', route: '/api/v1/me', allowed: USERS, ok: 200 },
  { method: 'GET', route: '/api/v1/tokens', allowed: USERS, ok: 200 },
  { method: 'POST', route: '/api/v1/tokens', allowed: USERS, ok: 201, prepare: async () => ({ url: '/api/v1/tokens', body: { name: 'matrix' } }) },
  {
    method: 'DELETE',
    route: '/api/v1/tokens/:id',
    allowed: USERS,
    ok: 200,
    // Each caller revokes a fresh token of its own.
    prepare: async (env, caller) => {
      const as = caller === 'anonymous' ? env.tokens.viewer : env.tokens[caller];
      const r = await env.h.call('POST', '/api/v1/tokens', { token: as, body: { name: 'to revoke' } });
      return { url: `/api/v1/tokens/${r.json().token_info.id}` };
    },
  },
  {
    method: 'GET',
    route: '/api/v1/users/:id',
    allowed: OWN_ORG,
    ok: 200,
    // Other organisations do not even learn that the user exists.
    denied: { 'other-org-admin': 404 },
    prepare: async (env) => ({ url: `/api/v1/users/${env.userIds.analyst}` }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/users/:id',
    allowed: OWN_ORG_ADMINS,
    ok: 200,
    denied: { 'other-org-admin': 404 },
    prepare: async (env) => ({ url: `/api/v1/users/${await freshViewer(env)}`, body: { name: 'Renamed' } }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/invitations/:id',
    allowed: OWN_ORG_ADMINS,
    ok: 200,
    prepare: async (env) => ({ url: `/api/v1/invitations/${(await freshInvitation(env)).id}` }),
  },
  { method: 'GET', route: '/api/v1/orgs', allowed: ADMIN, ok: 200 },
  {
    method: 'POST',
    route: '/api/v1/orgs',
    allowed: ADMIN,
    ok: 201,
    prepare: async () => ({ url: '/api/v1/orgs', body: { slug: `m-${randomUUID().slice(0, 8)}`, name: 'Matrix Org', status: 'applicant' } }),
  },
  { method: 'GET', route: '/api/v1/orgs/:slug', allowed: OWN_ORG, ok: 200, prepare: async () => ({ url: `/api/v1/orgs/${T}` }) },
  {
    method: 'PATCH',
    route: '/api/v1/orgs/:slug',
    allowed: OWN_ORG_ADMINS,
    ok: 200,
    prepare: async () => ({ url: `/api/v1/orgs/${T}`, body: { sector: 'Security software' } }),
  },
  {
    method: 'POST',
    route: '/api/v1/orgs/:slug/status',
    allowed: ADMIN,
    ok: 200,
    prepare: async (env) => {
      const slug = `s-${randomUUID().slice(0, 8)}`;
      // Applicants, not members, so the member count that votes depend on stays at the demo's five.
      await env.h.call('POST', '/api/v1/orgs', { token: env.h.init.admin_token, body: { slug, name: 'Status target', status: 'applicant' } });
      return { url: `/api/v1/orgs/${slug}/status`, body: { status: 'withdrawn', reason: 'matrix' } };
    },
  },
  {
    method: 'POST',
    route: '/api/v1/orgs/:slug/keys',
    allowed: OWN_ORG_ADMINS,
    ok: 201,
    prepare: async () => ({
      url: `/api/v1/orgs/${T}/keys`,
      body: { name: 'k', public_key: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/orgs/:slug/keys/:id',
    allowed: OWN_ORG_ADMINS,
    ok: 200,
    prepare: async (env) => ({ url: `/api/v1/orgs/${T}/keys/${await freshKey(env)}` }),
  },
  {
    method: 'PUT',
    route: '/api/v1/orgs/:slug/pledges/:pledge',
    allowed: OWN_ORG_ADMINS,
    ok: 204,
    prepare: async (env) => {
      const slug = `p-${randomUUID().slice(0, 8)}`;
      await env.h.call('POST', '/api/v1/pledges', { token: env.h.init.admin_token, body: { slug, title: 'Matrix pledge', description: 'd' } });
      return { url: `/api/v1/orgs/${T}/pledges/${slug}` };
    },
  },
  {
    method: 'DELETE',
    route: '/api/v1/orgs/:slug/pledges/:pledge',
    allowed: OWN_ORG_ADMINS,
    ok: 204,
    prepare: async (env) => {
      const slug = `p-${randomUUID().slice(0, 8)}`;
      await env.h.call('POST', '/api/v1/pledges', { token: env.h.init.admin_token, body: { slug, title: 'Matrix pledge', description: 'd' } });
      await env.h.call('PUT', `/api/v1/orgs/${T}/pledges/${slug}`, { token: env.h.init.admin_token });
      return { url: `/api/v1/orgs/${T}/pledges/${slug}` };
    },
  },
  { method: 'GET', route: '/api/v1/orgs/:slug/users', allowed: OWN_ORG, ok: 200, prepare: async () => ({ url: `/api/v1/orgs/${T}/users` }) },
  { method: 'GET', route: '/api/v1/orgs/:slug/invitations', allowed: OWN_ORG_ADMINS, ok: 200, prepare: async () => ({ url: `/api/v1/orgs/${T}/invitations` }) },
  {
    method: 'POST',
    route: '/api/v1/orgs/:slug/invitations',
    allowed: OWN_ORG_ADMINS,
    ok: 201,
    prepare: async () => ({ url: `/api/v1/orgs/${T}/invitations`, body: { email: `${randomUUID()}@demo-northwind.example`, role: 'analyst' } }),
  },
  // Applications: the secretariat and member organisations' users read them.
  { method: 'GET', route: '/api/v1/applications', allowed: USERS, ok: 200 },
  {
    method: 'GET',
    route: '/api/v1/applications/:id',
    allowed: USERS,
    ok: 200,
    prepare: async (env) => ({ url: `/api/v1/applications/${await freshApplication(env, 'submitted')}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/applications/:id/sponsor',
    allowed: MEMBER_ORG_ADMINS,
    ok: 201,
    prepare: async (env) => ({ url: `/api/v1/applications/${await freshApplication(env, 'submitted')}/sponsor` }),
  },
  {
    method: 'POST',
    route: '/api/v1/applications/:id/open-vote',
    allowed: ADMIN,
    ok: 200,
    prepare: async (env) => ({ url: `/api/v1/applications/${await freshApplication(env, 'sponsored')}/open-vote`, body: {} }),
  },
  {
    method: 'POST',
    route: '/api/v1/applications/:id/votes',
    allowed: MEMBER_ORG_ADMINS,
    ok: 201,
    prepare: async (env) => ({ url: `/api/v1/applications/${await freshApplication(env, 'voting')}/votes`, body: { choice: 'yes' } }),
  },
  {
    method: 'POST',
    route: '/api/v1/applications/:id/reject',
    allowed: ADMIN,
    ok: 200,
    prepare: async (env) => ({ url: `/api/v1/applications/${await freshApplication(env, 'submitted')}/reject`, body: { reason: 'matrix' } }),
  },
  {
    method: 'POST',
    route: '/api/v1/applications/:id/close',
    allowed: ADMIN,
    ok: 200,
    prepare: async (env) => ({ url: `/api/v1/applications/${await freshApplication(env, 'all-voted')}/close`, body: {} }),
  },
  {
    method: 'POST',
    route: '/api/v1/pledges',
    allowed: ADMIN,
    ok: 201,
    prepare: async () => ({ url: '/api/v1/pledges', body: { slug: `p-${randomUUID().slice(0, 8)}`, title: 't', description: 'd' } }),
  },
  {
    method: 'PUT',
    route: '/api/v1/voting-rule',
    allowed: ADMIN,
    ok: 200,
    prepare: async () => ({ url: '/api/v1/voting-rule', body: { sponsors_needed: 1, quorum: 0.5, majority: 0.5, voting_days: 14 } }),
  },
  { method: 'GET', route: '/api/v1/audit', allowed: ADMIN, ok: 200 },
  // Intel (REST): reading is open to anyone (TLP filters what each caller sees); writing needs a writing role; collections belong to the secretariat, sharing groups to org-admins.
  { method: 'GET', route: '/api/v1/intel/objects', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/intel/objects/:id', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/api/v1/intel/objects/${await clearObject(env)}` }) },
  {
    method: 'POST',
    route: '/api/v1/intel/objects/:id/sightings',
    allowed: INTEL_WRITERS,
    ok: 201,
    prepare: async (env) => ({ url: `/api/v1/intel/objects/${await clearObject(env)}/sightings`, body: { count: 1, tlp: 'GREEN' } }),
  },
  { method: 'GET', route: '/api/v1/intel/activity', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/intel/export', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/intel/export?format=csv' }) },
  { method: 'GET', route: '/api/v1/intel/collections', allowed: EVERYONE, ok: 200 },
  { method: 'POST', route: '/api/v1/intel/collections', allowed: ADMIN, ok: 201, prepare: async () => ({ url: '/api/v1/intel/collections', body: { title: 'matrix' } }) },
  { method: 'PATCH', route: '/api/v1/intel/collections/:id', allowed: ADMIN, ok: 200, prepare: async (env) => ({ url: `/api/v1/intel/collections/${await freshCollection(env)}`, body: { title: 'renamed' } }) },
  { method: 'DELETE', route: '/api/v1/intel/collections/:id', allowed: ADMIN, ok: 204, prepare: async (env) => ({ url: `/api/v1/intel/collections/${await freshCollection(env)}` }) },
  {
    method: 'POST',
    route: '/api/v1/intel/collections/:id/bundles',
    allowed: INTEL_WRITERS,
    ok: 202,
    prepare: async () => ({ url: `/api/v1/intel/collections/${DEFAULT_COLLECTION_ID}/bundles`, body: { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [matrixIndicator()] } }),
  },
  {
    method: 'GET',
    route: '/api/v1/intel/status/:id',
    allowed: new Set<Caller>(['admin', 'analyst']),
    ok: 200,
    denied: { 'org-admin': 404, psirt: 404, viewer: 404, 'other-org-admin': 404 },
    prepare: async (env) => ({ url: `/api/v1/intel/status/${await analystStatus(env)}` }),
  },
  { method: 'GET', route: '/api/v1/intel/groups', allowed: USERS, ok: 200 },
  { method: 'POST', route: '/api/v1/intel/groups', allowed: new Set<Caller>(['admin', 'org-admin', 'other-org-admin']), ok: 201, prepare: async () => ({ url: '/api/v1/intel/groups', body: { slug: `g-${randomUUID().slice(0, 8)}`, name: 'Matrix group' } }) },
  { method: 'GET', route: '/api/v1/intel/groups/:group', allowed: USERS, ok: 200, prepare: async (env) => ({ url: `/api/v1/intel/groups/${await freshGroup(env)}` }) },
  { method: 'PATCH', route: '/api/v1/intel/groups/:group', allowed: new Set<Caller>(['org-admin']), ok: 200, prepare: async (env) => ({ url: `/api/v1/intel/groups/${await freshGroup(env)}`, body: { name: 'renamed' } }) },
  { method: 'DELETE', route: '/api/v1/intel/groups/:group', allowed: new Set<Caller>(['org-admin']), ok: 204, prepare: async (env) => ({ url: `/api/v1/intel/groups/${await freshGroup(env)}` }) },
  // TAXII 2.1: the same rules, in the TAXII error format.
  { method: 'GET', route: '/taxii2/', allowed: EVERYONE, ok: 200, taxii: true },
  { method: 'GET', route: '/taxii2', allowed: EVERYONE, ok: 200, taxii: true },
  { method: 'GET', route: '/taxii2/:root/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async () => ({ url: '/taxii2/api/' }) },
  {
    method: 'GET',
    route: '/taxii2/:root/status/:status/',
    allowed: new Set<Caller>(['admin', 'analyst']),
    ok: 200,
    taxii: true,
    denied: { 'org-admin': 404, psirt: 404, viewer: 404, 'other-org-admin': 404 },
    prepare: async (env) => ({ url: `/taxii2/api/status/${await analystStatus(env)}/` }),
  },
  { method: 'GET', route: '/taxii2/:root/collections/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async () => ({ url: '/taxii2/api/collections/' }) },
  { method: 'GET', route: '/taxii2/:root/collections/:collection/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async () => ({ url: `${COLLECTION}` }) },
  { method: 'GET', route: '/taxii2/:root/collections/:collection/objects/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async () => ({ url: `${COLLECTION}objects/` }) },
  {
    method: 'POST',
    route: '/taxii2/:root/collections/:collection/objects/',
    allowed: INTEL_WRITERS,
    ok: 202,
    taxii: true,
    prepare: async () => ({ url: `${COLLECTION}objects/`, body: { objects: [matrixIndicator()] } }),
  },
  { method: 'GET', route: '/taxii2/:root/collections/:collection/objects/:object/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async (env) => ({ url: `${COLLECTION}objects/${await clearObject(env)}/` }) },
  {
    method: 'DELETE',
    route: '/taxii2/:root/collections/:collection/objects/:object/',
    // Writers of the author's organisation, and the secretariat.
    allowed: new Set<Caller>(['admin', 'org-admin', 'analyst', 'psirt']),
    ok: 200,
    taxii: true,
    prepare: async (env) => ({ url: `${COLLECTION}objects/${await analystObject(env)}/` }),
  },
  { method: 'GET', route: '/taxii2/:root/collections/:collection/objects/:object/versions/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async (env) => ({ url: `${COLLECTION}objects/${await clearObject(env)}/versions/` }) },
  { method: 'GET', route: '/taxii2/:root/collections/:collection/manifest/', allowed: EVERYONE, ok: 200, taxii: true, prepare: async () => ({ url: `${COLLECTION}manifest/` }) },
  // Coordinated disclosure: the case's parties only; everyone else is told the case does not exist.
  { method: 'POST', route: '/api/v1/reports', allowed: EVERYONE, ok: 201, prepare: async () => ({ url: '/api/v1/reports', body: reportBody({ vendors: [T] }) }) },
  { method: 'GET', route: '/api/v1/cases', allowed: USERS, ok: 200 },
  { method: 'GET', route: '/api/v1/cases/:id', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}` }) },
  { method: 'POST', route: '/api/v1/cases/:id/participants', allowed: ADMIN, ok: 201, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/participants`, body: { kind: 'vendor', org: 'demo-fabrikam' } }) },
  { method: 'PUT', route: '/api/v1/cases/:id/report-state', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/report-state`, body: { state: 'valid' } }) },
  { method: 'POST', route: '/api/v1/cases/:id/vulnerabilities', allowed: ADMIN, ok: 201, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/vulnerabilities`, body: { title: 't', description: 'd' } }) },
  {
    method: 'PUT',
    route: '/api/v1/cases/:id/vulnerabilities/:vid',
    allowed: ADMIN,
    ok: 200,
    denied: COORDINATOR_ONLY,
    prepare: async (env) => {
      const c = await caseWithVuln(env);
      return { url: `/api/v1/cases/${c.id}/vulnerabilities/${c.vuln}`, body: { title: 't2', description: 'd2' } };
    },
  },
  {
    method: 'PUT',
    route: '/api/v1/cases/:id/vulnerabilities/:vid/status',
    allowed: new Set<Caller>(['org-admin', 'psirt']),
    ok: 200,
    denied: VENDOR_ONLY,
    prepare: async (env) => {
      const c = await caseWithVuln(env);
      return { url: `/api/v1/cases/${c.id}/vulnerabilities/${c.vuln}/status`, body: { status: 'affected', shared: false } };
    },
  },
  { method: 'POST', route: '/api/v1/cases/:id/facts', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/facts`, body: { fact: 'attacks_observed' } }) },
  {
    method: 'POST',
    route: '/api/v1/cases/:id/embargo/propose',
    allowed: CASE_PARTIES,
    ok: 200,
    denied: NOT_PARTY,
    prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/embargo/propose`, body: { end_at: new Date(Date.now() + 10 * 86_400_000).toISOString() } }),
  },
  { method: 'POST', route: '/api/v1/cases/:id/embargo/accept', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithEmbargo(env, 'proposed')}/embargo/accept` }) },
  { method: 'POST', route: '/api/v1/cases/:id/embargo/reject', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithEmbargo(env, 'proposed')}/embargo/reject` }) },
  { method: 'POST', route: '/api/v1/cases/:id/embargo/terminate', allowed: ADMIN, ok: 200, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithEmbargo(env, 'active')}/embargo/terminate` }) },
  { method: 'POST', route: '/api/v1/cases/:id/messages', allowed: CASE_PARTIES, ok: 201, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/messages`, body: { body: 'hello' } }) },
  {
    method: 'POST',
    route: '/api/v1/cases/:id/attachments',
    allowed: CASE_PARTIES,
    ok: 201,
    denied: NOT_PARTY,
    prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/attachments`, body: { filename: 'a.txt', media_type: 'text/plain', content_base64: 'YWJj' } }),
  },
  {
    method: 'GET',
    route: '/api/v1/cases/:id/attachments/:aid',
    allowed: CASE_PARTIES,
    ok: 200,
    denied: NOT_PARTY,
    prepare: async (env) => {
      const c = await freshCase(env);
      return { url: `/api/v1/cases/${c.id}/attachments/${c.attachment}` };
    },
  },
  { method: 'POST', route: '/api/v1/cases/:id/close', allowed: ADMIN, ok: 200, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/close` }) },
  { method: 'GET', route: '/api/v1/cases/:id/advisory', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/advisory` }) },
  { method: 'POST', route: '/api/v1/cases/:id/advisory', allowed: ADMIN, ok: 201, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${(await freshCase(env)).id}/advisory` }) },
  { method: 'PUT', route: '/api/v1/cases/:id/advisory', allowed: ADMIN, ok: 200, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithDraft(env)}/advisory`, body: { draft: validDraft(), revision: 2 } }) },
  { method: 'POST', route: '/api/v1/cases/:id/advisory/preview', allowed: CASE_PARTIES, ok: 200, denied: NOT_PARTY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithDraft(env)}/advisory/preview`, body: {} }) },
  { method: 'POST', route: '/api/v1/cases/:id/advisory/approve', allowed: new Set<Caller>(['org-admin', 'psirt']), ok: 200, denied: VENDOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithDraft(env)}/advisory/approve`, body: { revision: 2 } }) },
  { method: 'POST', route: '/api/v1/cases/:id/advisory/publish', allowed: ADMIN, ok: 200, denied: COORDINATOR_ONLY, prepare: async (env) => ({ url: `/api/v1/cases/${await caseWithDraft(env, true)}/advisory/publish`, body: {} }) },
  // Published advisories and the CSAF provider are public.
  { method: 'GET', route: '/api/v1/advisories', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/osv', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/advisories/:tid', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/api/v1/advisories/${await published(env)}` }) },
  { method: 'GET', route: '/api/v1/advisories/:tid/csaf', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/api/v1/advisories/${await published(env)}/csaf` }) },
  { method: 'GET', route: '/api/v1/advisories/:tid/osv', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/api/v1/advisories/${await published(env)}/osv` }) },
  { method: 'GET', route: '/api/v1/advisories/:tid/cve', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/api/v1/advisories/${await published(env)}/cve` }) },
  { method: 'GET', route: '/.well-known/csaf/provider-metadata.json', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/.well-known/csaf/white/index.txt', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/.well-known/csaf/white/changes.csv', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/.well-known/csaf/white/csaf-feed-tlp-white.json', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/.well-known/csaf/white/:year/:file', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/.well-known/csaf/white/${await csafPath(env)}` }) },
  { method: 'GET', route: '/.well-known/csaf/openpgp/:file', allowed: EVERYONE, ok: 200, prepare: async (env) => ({ url: `/.well-known/csaf/openpgp/${env.h.ctx.csafKey.fingerprint}.asc` }) },
  { method: 'GET', route: '/.well-known/security.txt', allowed: EVERYONE, ok: 200 },
  // "Am I affected?" is for everyone, customers without an account included.
  { method: 'GET', route: '/api/v1/check/database', allowed: EVERYONE, ok: 200 },
  { method: 'POST', route: '/api/v1/check/sbom', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/check/sbom', body: { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'nw-widget', version: '1.2.0', purl: 'pkg:npm/nw-widget@1.2.0' }] } }) },
  // Indicator matching: anyone; each caller's indicators are what the TLP rule lets them read.
  { method: 'GET', route: '/api/v1/match/indicators', allowed: EVERYONE, ok: 200 },
  { method: 'POST', route: '/api/v1/match', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/match', body: { destination: { ip: '198.51.100.23' } } }) },
  { method: 'GET', route: '/api/v1/match/exports', allowed: EVERYONE, ok: 200 },
  { method: 'GET', route: '/api/v1/match/exports/file', allowed: EVERYONE, ok: 200, prepare: async () => ({ url: '/api/v1/match/exports/file?path=zeek/accord.intel' }) },
  // Webhooks: an organisation's own, managed by its org-admin.
  { method: 'POST', route: '/api/v1/webhooks', allowed: MEMBER_ORG_ADMINS, ok: 201, prepare: async () => ({ url: '/api/v1/webhooks', body: { url: 'https://hooks.example/accord', event_types: ['case.*'] } }) },
  { method: 'GET', route: '/api/v1/webhooks', allowed: MEMBER_ORG_ADMINS, ok: 200 },
  { method: 'DELETE', route: '/api/v1/webhooks/:id', allowed: new Set<Caller>(['org-admin']), ok: 204, denied: { 'other-org-admin': 404 }, prepare: async (env) => ({ url: `/api/v1/webhooks/${await ownWebhook(env)}` }) },
  { method: 'GET', route: '/api/v1/webhooks/:id/deliveries', allowed: new Set<Caller>(['org-admin']), ok: 200, denied: { 'other-org-admin': 404 }, prepare: async (env) => ({ url: `/api/v1/webhooks/${await ownWebhook(env)}/deliveries` }) },
];

/** Routes that belong to the bundled API browser (static assets), not to Accord's API. */
const OUT_OF_SCOPE = (r: { method: string; url: string }) => r.method === 'HEAD' || r.url.startsWith('/api/docs');

describe('permission matrix: every role × every endpoint', () => {
  const env = {} as Env;
  before(async () => {
    const h = await startHarness({ env: { ACCORD_PUBLIC_URL: 'https://accord.test' } });
    env.h = h;
    await h.ctx.ledger.integrate();
    // psirt and viewer users in the target organisation.
    const store = h.ctx.store.registry;
    const org = (await store.getOrgBySlug(T))!;
    const admin = (await store.getUserByEmail('admin@secretariat.invalid'))!;
    const secretariat = (await store.getOrgBySlug('secretariat'))!;
    const adminP: Principal = { kind: 'user', user: admin, org: secretariat, token_id: 'x' };
    const extra: Partial<Record<Role, string>> = {};
    const extraIds: Partial<Record<Role, string>> = {};
    for (const role of ['psirt', 'viewer'] as const) {
      const r = await store.transaction((tx) =>
        h.ctx.members.createUserWithToken(tx, adminP, { org_id: org.id, email: `${role}@demo-northwind.example`, name: role, role }, 'test'),
      );
      extra[role] = r.token;
      extraIds[role] = r.user.id;
    }
    const id = async (email: string) => (await store.getUserByEmail(email))!.id;
    env.tokens = {
      admin: h.init.admin_token,
      'org-admin': demoToken(h.init, T),
      analyst: demoToken(h.init, T, 'analyst'),
      psirt: extra.psirt!,
      viewer: extra.viewer!,
      'other-org-admin': demoToken(h.init, 'demo-contoso-cloud'),
    };
    env.userIds = {
      admin: admin.id,
      'org-admin': await id('org-admin@demo-northwind.example'),
      analyst: await id('analyst@demo-northwind.example'),
      psirt: extraIds.psirt!,
      viewer: extraIds.viewer!,
      'other-org-admin': await id('org-admin@demo-contoso-cloud.example'),
    };
  });
  after(() => env.h.close());

  for (const row of ROWS) {
    it(`${row.method} ${row.route}`, async () => {
      const seen: string[] = [];
      for (const caller of CALLERS) {
        const { url, body } = row.prepare ? await row.prepare(env, caller) : { url: row.route, body: undefined };
        const token = caller === 'anonymous' ? null : env.tokens[caller];
        const res = row.taxii
          ? await env.h.call(row.method, url, {
              token,
              headers: { accept: TAXII_MEDIA, ...(body === undefined ? {} : { 'content-type': TAXII_MEDIA }) },
              ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
            })
          : await env.h.call(row.method, url, { token, body });
        const expected = row.allowed.has(caller) ? row.ok : caller === 'anonymous' ? 401 : (row.denied?.[caller] ?? 403);
        seen.push(`${caller}=${res.statusCode}`);
        assert.equal(res.statusCode, expected, `${caller}: ${row.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (res.statusCode >= 400) {
          assert.match(String(res.headers['content-type']), row.taxii ? /^application\/taxii\+json;version=2\.1$/ : /^application\/problem\+json/);
          if (res.statusCode === 401) assert.ok(res.headers['www-authenticate']);
        }
      }
    });
  }

  it('covers every route the app registers', () => {
    const covered = new Set(ROWS.map((r) => `${r.method} ${r.route}`));
    const missing = env.h.routes.filter((r) => !OUT_OF_SCOPE(r) && !covered.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(missing, [], 'routes without a permission-matrix row');
  });
});
