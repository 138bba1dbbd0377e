import { randomUUID } from 'node:crypto';
import { canSeeOrgInternals, isAdmin, requireAdmin, requireManageOrg, requireUser } from './access.js';
import { iso } from './clock.js';
import type { RegistryDeps } from './deps.js';
import { RegistryError } from './errors.js';
import { Checker } from './validate.js';
import { ReleaseError } from '../release/errors.js';
import { importPublicKey } from '../release/keys.js';
import { defaultNamespacesForSlug, parsePurlScope, scopesOverlap, type PurlScope } from '../release/purl.js';
import type { Org, OrgProfile, OrgStatus, Page, Pledge, Principal, SigningKey } from './types.js';

export interface OrgCreateInput extends Partial<Omit<OrgProfile, 'name'>> {
  name: string;
  slug: string;
  status?: OrgStatus;
  joined_at?: string | null;
  demo?: boolean;
}

export type OrgPatch = Partial<OrgProfile>;

/** A signatory as the public sees it: profile, pledges, release keys. */
export interface SignatoryView {
  org: Org;
  pledges: { slug: string; title: string; endorsed_at: string }[];
  keys: SigningKey[];
}

/** Checks profile fields shared by creation, updates and applications. */
export function checkProfile(c: Checker, p: Partial<OrgProfile>): void {
  c.text('/name', p.name, 200);
  c.country('/country', p.country);
  c.text('/sector', p.sector, 100);
  c.url('/website', p.website);
  c.contact('/psirt_contact', p.psirt_contact);
  c.url('/cvd_policy_url', p.cvd_policy_url);
  c.url('/security_txt_url', p.security_txt_url);
  c.text('/description', p.description, 4000);
}

const PROFILE_FIELDS = [
  'name', 'country', 'sector', 'size_band', 'website', 'psirt_contact', 'cvd_policy_url', 'security_txt_url', 'description',
] as const satisfies readonly (keyof OrgProfile)[];

/** Organisations (signatories and the secretariat), their pledges and release-signing keys. */
export class OrgService {
  constructor(private readonly deps: RegistryDeps) {}

  /** Creates an organisation (secretariat only). */
  async create(actor: Principal, input: OrgCreateInput): Promise<Org> {
    requireAdmin(actor);
    return this.deps.store.transaction((tx) => this.insert(tx, actor, input));
  }

  /** Inserts without an authorisation check: for bootstrap and admissions, which decide that themselves. */
  async insert(tx: RegistryDeps['store'], actor: Principal | null, input: OrgCreateInput, kind: Org['kind'] = 'signatory'): Promise<Org> {
    const c = new Checker();
    c.slug('/slug', input.slug);
    checkProfile(c, input);
    c.done();
    const now = iso(this.deps.clock.now());
    const status = input.status ?? 'member';
    const org: Org = {
      id: randomUUID(),
      slug: input.slug,
      kind,
      name: input.name.trim(),
      country: input.country ?? null,
      sector: input.sector ?? null,
      size_band: input.size_band ?? null,
      website: input.website ?? null,
      psirt_contact: input.psirt_contact ?? null,
      cvd_policy_url: input.cvd_policy_url ?? null,
      security_txt_url: input.security_txt_url ?? null,
      description: input.description ?? null,
      status,
      joined_at: input.joined_at ?? (status === 'member' ? now : null),
      demo: input.demo ?? false,
      created_at: now,
      updated_at: now,
    };
    await tx.insertOrg(org);
    await this.deps.events.orgCreated(tx, actor, org.id, { slug: org.slug, kind, status });
    return org;
  }

  async getBySlug(slug: string): Promise<Org> {
    const org = await this.deps.store.getOrgBySlug(slug);
    if (!org) throw new RegistryError('ORG_NOT_FOUND', `No organisation "${slug}".`);
    return org;
  }

  /** The public directory: member signatories with their pledges and policy links. */
  async listSignatories(q: { after?: string; limit: number }): Promise<Page<SignatoryView>> {
    const orgs = await this.deps.store.listOrgs({ kind: 'signatory', status: ['member'], after: q.after, limit: q.limit + 1 });
    const page = orgs.slice(0, q.limit);
    const views = await this.views(page, false);
    return { items: views, next: orgs.length > q.limit ? (page[page.length - 1]?.slug ?? null) : null };
  }

  /** One signatory's public page. Non-members are visible only to the secretariat and their own users. */
  async signatory(actor: Principal, slug: string): Promise<SignatoryView> {
    const org = await this.getBySlug(slug);
    if (org.kind !== 'signatory' || (org.status !== 'member' && !canSeeOrgInternals(actor, org.id))) {
      throw new RegistryError('ORG_NOT_FOUND', `No signatory "${slug}".`);
    }
    const [view] = await this.views([org], true);
    return view!;
  }

  /** Every organisation, any status (secretariat only). */
  async listAll(actor: Principal, q: { status?: OrgStatus[]; after?: string; limit: number }): Promise<Page<Org>> {
    requireAdmin(actor);
    const orgs = await this.deps.store.listOrgs({ status: q.status, after: q.after, limit: q.limit + 1 });
    const page = orgs.slice(0, q.limit);
    return { items: page, next: orgs.length > q.limit ? (page[page.length - 1]?.slug ?? null) : null };
  }

  private async views(orgs: Org[], withRevokedKeys: boolean): Promise<SignatoryView[]> {
    if (orgs.length === 0) return [];
    const [pledges, endorsements] = await Promise.all([
      this.deps.store.listPledges(),
      this.deps.store.listEndorsements({ orgIds: orgs.map((o) => o.id) }),
    ]);
    const byId = new Map<string, Pledge>(pledges.map((p) => [p.id, p]));
    const out: SignatoryView[] = [];
    for (const org of orgs) {
      const keys = (await this.deps.store.listKeys(org.id)).filter((k) => withRevokedKeys || k.revoked_at === null);
      out.push({
        org,
        pledges: endorsements
          .filter((e) => e.org_id === org.id && e.withdrawn_at === null)
          .flatMap((e) => {
            const p = byId.get(e.pledge_id);
            return p ? [{ slug: p.slug, title: p.title, endorsed_at: e.endorsed_at }] : [];
          }),
        keys,
      });
    }
    return out;
  }

  /** Updates an organisation's profile (its org-admins or the secretariat). */
  async update(actor: Principal, slug: string, patch: OrgPatch): Promise<Org> {
    const org = await this.getBySlug(slug);
    requireManageOrg(actor, org.id);
    const c = new Checker();
    checkProfile(c, patch);
    c.done();
    const changes: Partial<Org> = {};
    for (const f of PROFILE_FIELDS) {
      if (patch[f] !== undefined) (changes as Record<string, unknown>)[f] = patch[f];
    }
    if (Object.keys(changes).length === 0) return org;
    changes.updated_at = iso(this.deps.clock.now());
    return this.deps.store.transaction(async (tx) => {
      await tx.updateOrg(org.id, changes);
      await this.deps.events.orgUpdated(tx, actor, org.id, Object.keys(changes).filter((k) => k !== 'updated_at'));
      return (await tx.getOrg(org.id))!;
    });
  }

  /** Changes membership status (secretariat only); the reason is recorded. */
  async setStatus(actor: Principal, slug: string, status: OrgStatus, reason: string): Promise<Org> {
    requireAdmin(actor);
    const org = await this.getBySlug(slug);
    if (org.kind === 'secretariat') throw new RegistryError('FORBIDDEN', "The secretariat's status cannot change.");
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    if (org.status === status) return org;
    const now = iso(this.deps.clock.now());
    return this.deps.store.transaction(async (tx) => {
      await tx.updateOrg(org.id, { status, updated_at: now, joined_at: org.joined_at ?? (status === 'member' ? now : null) });
      await this.deps.events.orgStatusChanged(tx, actor, org.id, org.status, status, reason);
      return (await tx.getOrg(org.id))!;
    });
  }

  /**
   * Registers a release-signing public key (SPKI PEM, Ed25519 or ECDSA P-256)
   * with the purl namespaces it may sign (docs/releases.md). Without
   * namespaces the key gets the organisation's default, `pkg:*\/<slug>`.
   * An org-admin may only narrow that default; anything else (an npm scope, a
   * Maven group, a PyPI package) is vouched for by the secretariat, who checks
   * ownership out of band. No two signatories' unrevoked keys may overlap.
   * Namespaces are fixed with the key: to change them, register a new key and
   * revoke the old one, so every grant is a logged registry decision.
   */
  async addKey(actor: Principal, slug: string, input: { name: string; public_key: string; purl_namespaces?: readonly string[] | null }): Promise<SigningKey> {
    const org = await this.getBySlug(slug);
    requireManageOrg(actor, org.id);
    const c = new Checker();
    c.text('/name', input.name, 200);
    c.done();
    const namespaces = input.purl_namespaces === undefined || input.purl_namespaces === null ? null : checkNamespaces(input.purl_namespaces);
    if (namespaces !== null && !isAdmin(actor)) {
      const own = parsePurlScope(defaultNamespacesForSlug(org.slug)[0]!);
      const outside = namespaces.find((n) => !scopeWithin(parsePurlScope(n), own));
      if (outside !== undefined) {
        throw new RegistryError('FORBIDDEN', `Only the secretariat may grant ${outside}: an organisation's admins may narrow its default namespace ${defaultNamespacesForSlug(org.slug)[0]!} only.`);
      }
    }
    const granted = namespaces ?? defaultNamespacesForSlug(org.slug);
    const mine = granted.map(parsePurlScope);
    const parsed = parsePublicKey(input.public_key);
    const key: SigningKey = {
      id: randomUUID(),
      org_id: org.id,
      name: input.name.trim(),
      public_key: parsed.pem,
      algorithm: parsed.algorithm,
      key_id: parsed.keyId,
      created_at: iso(this.deps.clock.now()),
      revoked_at: null,
      purl_namespaces: namespaces,
    };
    await this.deps.store.transaction(async (tx) => {
      // Checked in the registering transaction, holding other registrations off until it commits,
      // so two registrations cannot both pass against the same keys (PostgreSQL reads committed rows only).
      await tx.lockKeys();
      for (const other of await tx.listActiveKeyScopes()) {
        if (other.org_id === org.id) continue;
        for (const t of other.purl_namespaces ?? defaultNamespacesForSlug(other.slug)) {
          const hit = mine.findIndex((m) => scopesOverlap(m, parsePurlScope(t)));
          if (hit >= 0) throw new RegistryError('KEY_NAMESPACE_TAKEN', `${granted[hit]!} overlaps ${t}, which a key of ${other.slug} may sign.`);
        }
      }
      await tx.insertKey(key);
      await this.deps.events.keyAdded(tx, actor, org.id, key.id, key.key_id, granted);
    });
    return key;
  }

  /** Release keys are public: customers verify downloads with them. */
  async listKeys(slug: string): Promise<SigningKey[]> {
    const org = await this.getBySlug(slug);
    return this.deps.store.listKeys(org.id);
  }

  async revokeKey(actor: Principal, slug: string, keyId: string, reason: string | null): Promise<SigningKey> {
    const org = await this.getBySlug(slug);
    requireManageOrg(actor, org.id);
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    const key = await this.deps.store.getKey(keyId);
    if (!key || key.org_id !== org.id) throw new RegistryError('KEY_NOT_FOUND', 'No such key for this organisation.');
    if (key.revoked_at !== null) return key;
    const revoked_at = iso(this.deps.clock.now());
    await this.deps.store.transaction(async (tx) => {
      await tx.updateKey(key.id, { revoked_at });
      await this.deps.events.keyRevoked(tx, actor, org.id, key.id, reason);
    });
    return { ...key, revoked_at };
  }

  /** Every pledge, in the order they were defined. */
  listPledges(): Promise<Pledge[]> {
    return this.deps.store.listPledges();
  }

  /** Defines a new pledge (secretariat only), e.g. "publish a CVD policy". */
  async createPledge(actor: Principal | null, input: { slug: string; title: string; description: string; kind?: Pledge['kind'] }): Promise<Pledge> {
    if (actor !== null) requireAdmin(actor);
    const c = new Checker();
    c.slug('/slug', input.slug);
    c.text('/title', input.title, 200);
    c.text('/description', input.description, 4000);
    c.done();
    const pledge: Pledge = {
      id: randomUUID(),
      slug: input.slug,
      title: input.title.trim(),
      description: input.description.trim(),
      kind: input.kind ?? 'commitment',
      created_at: iso(this.deps.clock.now()),
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.insertPledge(pledge);
      await this.deps.events.pledgeCreated(tx, actor, pledge.id, pledge.slug);
    });
    return pledge;
  }

  /** Records that an organisation endorses a pledge (its org-admins or the secretariat). */
  async endorse(actor: Principal, slug: string, pledgeSlug: string): Promise<void> {
    const org = await this.getBySlug(slug);
    requireManageOrg(actor, org.id);
    if (org.kind !== 'signatory') throw new RegistryError('FORBIDDEN', 'Only signatories endorse pledges.');
    await this.deps.store.transaction((tx) => this.endorseIn(tx, actor, org.id, pledgeSlug));
  }

  /** Endorsement inside a caller's transaction (admissions endorse the applicant's pledges). */
  async endorseIn(tx: RegistryDeps['store'], actor: Principal | null, orgId: string, pledgeSlug: string): Promise<void> {
    const pledge = await tx.getPledgeBySlug(pledgeSlug);
    if (!pledge) throw new RegistryError('PLEDGE_NOT_FOUND', `No pledge "${pledgeSlug}".`);
    const existing = (await tx.listEndorsements({ orgIds: [orgId] })).find((e) => e.pledge_id === pledge.id);
    if (existing && existing.withdrawn_at === null) return;
    await tx.putEndorsement({ org_id: orgId, pledge_id: pledge.id, endorsed_at: iso(this.deps.clock.now()), withdrawn_at: null });
    await this.deps.events.pledgeEndorsed(tx, actor, orgId, pledge.slug);
  }

  async withdrawEndorsement(actor: Principal, slug: string, pledgeSlug: string, reason: string | null): Promise<void> {
    const org = await this.getBySlug(slug);
    requireManageOrg(actor, org.id);
    const c = new Checker();
    c.text('/reason', reason, 2000);
    c.done();
    const pledge = await this.deps.store.getPledgeBySlug(pledgeSlug);
    if (!pledge) throw new RegistryError('PLEDGE_NOT_FOUND', `No pledge "${pledgeSlug}".`);
    await this.deps.store.transaction(async (tx) => {
      const existing = (await tx.listEndorsements({ orgIds: [org.id] })).find((e) => e.pledge_id === pledge.id);
      if (!existing || existing.withdrawn_at !== null) return;
      await tx.putEndorsement({ ...existing, withdrawn_at: iso(this.deps.clock.now()) });
      await this.deps.events.pledgeWithdrawn(tx, actor, org.id, pledge.slug, reason);
    });
  }

  /** The caller's own organisation. */
  mine(actor: Principal): Org {
    return requireUser(actor).org;
  }

  isAdmin(actor: Principal): boolean {
    return isAdmin(actor);
  }
}

/** Most namespace patterns one key may hold. */
export const MAX_KEY_NAMESPACES = 32;

/** Checks namespace patterns (`parsePurlScope`): 1 to 32 distinct, well-formed, never "any purl" (`pkg:*\/*`). */
function checkNamespaces(list: readonly string[]): string[] {
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_KEY_NAMESPACES) {
    throw new RegistryError('KEY_INVALID', `purl_namespaces must list 1 to ${MAX_KEY_NAMESPACES} namespace patterns.`);
  }
  const out: string[] = [];
  for (const [i, n] of list.entries()) {
    let scope;
    try {
      scope = parsePurlScope(n);
    } catch (err) {
      throw new RegistryError('KEY_INVALID', `purl_namespaces[${i}]: ${(err as Error).message}.`, { cause: err });
    }
    if (scope.type === '*' && scope.namespace === '*') throw new RegistryError('KEY_INVALID', `purl_namespaces[${i}]: pkg:*/* would let the key sign any package.`);
    if (out.includes(n)) throw new RegistryError('KEY_INVALID', `purl_namespaces[${i}]: ${n} is listed twice.`);
    out.push(n);
  }
  return out;
}

/** Whether every purl within `inner` is within `outer`. */
function scopeWithin(inner: PurlScope, outer: PurlScope): boolean {
  if (outer.type !== '*' && inner.type !== outer.type) return false;
  if (outer.namespace === '*') return true;
  if (inner.namespace === '*') return false;
  // A typed inner pattern may name a package (its last segment); a wildcard outer pattern covers namespaces only.
  const innerNs = inner.type === '*' ? inner.namespace : inner.namespace.slice(0, -1);
  return outer.namespace.length <= innerNs.length && outer.namespace.every((s, i) => s === inner.namespace[i]);
}

/**
 * Parses a PEM public key with the release pillar's own parser, so what the
 * registry accepts is exactly what publishing and verifying use: Ed25519 (not
 * of small order) and ECDSA P-256 SPKI keys.
 */
export function parsePublicKey(pem: string): { pem: string; algorithm: SigningKey['algorithm']; keyId: string } {
  try {
    const key = importPublicKey(pem);
    return { pem: key.pem, algorithm: key.algorithm, keyId: key.keyId };
  } catch (err) {
    if (!(err instanceof ReleaseError)) throw err;
    throw new RegistryError('KEY_INVALID', `The public key is refused: ${err.message}.`, { cause: err });
  }
}
