import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { RegistryStore } from '../../registry/ports.js';
import { RegistryError, type RegistryErrorCode } from '../../registry/errors.js';
import type {
  ApiToken,
  Application,
  ApplicationInput,
  AuditEvent,
  Endorsement,
  Invitation,
  NewAuditEvent,
  Org,
  Pledge,
  Role,
  SigningKey,
  Sponsorship,
  User,
  Vote,
} from '../../registry/types.js';
import type { DB } from './schema.js';
import type { StoreCapabilities } from './capabilities.js';

/** Which root store's transaction the current async chain is inside, if any. */
const openTransactions = new AsyncLocalStorage<SqlRegistryStore>();

/**
 * The registry port over Kysely. Both backends use it with their own
 * dialect, migrations and capabilities; the queries themselves are plain
 * SQL that means the same on both.
 */
export class SqlRegistryStore implements RegistryStore {
  constructor(
    protected readonly db: Kysely<DB>,
    protected readonly caps: StoreCapabilities,
  ) {}

  /**
   * The root store, guarded: a call on it from inside one of its own
   * transactions throws instead of running. On SQLite such a call would wait
   * forever for the one connection its own transaction holds; on PostgreSQL
   * it would read outside the transaction. Either is a bug in the caller.
   */
  static root(db: Kysely<DB>, caps: StoreCapabilities): SqlRegistryStore {
    const store = new SqlRegistryStore(db, caps);
    return new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || prop === 'constructor') return value;
        if (prop === 'transaction') return (value as (...a: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          if (openTransactions.getStore() === target) {
            throw new Error(`RegistryStore.${String(prop)} called on the root store inside its own transaction; use the transaction's store`);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  async transaction<T>(fn: (tx: RegistryStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return openTransactions.run(this, () => this.db.transaction().execute((trx) => fn(new SqlRegistryStore(trx, this.caps))));
  }

  /** Runs an insert and turns a unique-constraint failure into the domain's error. */
  private async insertUnique(code: RegistryErrorCode, message: string, run: () => Promise<unknown>): Promise<void> {
    // Inside a transaction the statement runs under a savepoint: PostgreSQL aborts the whole
    // transaction on a failed statement, SQLite does not. Rolling back to the savepoint keeps
    // the caller's transaction usable after the domain error (say, to retry with another slug)
    // on both, as the port promises ("write nothing", not "break the transaction").
    const savepoint = this.db.isTransaction;
    if (savepoint) await sql`SAVEPOINT accord_unique`.execute(this.db);
    try {
      await run();
    } catch (err) {
      if (savepoint) await sql`ROLLBACK TO SAVEPOINT accord_unique`.execute(this.db);
      if (this.caps.uniqueViolation(err) !== null) throw new RegistryError(code, message, { cause: err });
      throw err;
    } finally {
      if (savepoint) await sql`RELEASE SAVEPOINT accord_unique`.execute(this.db);
    }
  }

  // organisations
  async insertOrg(org: Org): Promise<void> {
    await this.insertUnique('ORG_SLUG_TAKEN', `An organisation with slug "${org.slug}" already exists.`, () =>
      this.db.insertInto('orgs').values({ ...org, demo: org.demo ? 1 : 0 }).execute(),
    );
  }
  async updateOrg(id: string, patch: Partial<Omit<Org, 'id' | 'created_at'>>): Promise<void> {
    const { demo, ...rest } = patch;
    const values = demo === undefined ? rest : { ...rest, demo: demo ? 1 : 0 };
    if (Object.keys(values).length === 0) return;
    await this.insertUnique('ORG_SLUG_TAKEN', 'That slug is taken.', () =>
      this.db.updateTable('orgs').set(values).where('id', '=', id).execute(),
    );
  }
  async getOrg(id: string): Promise<Org | undefined> {
    const row = await this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toOrg(row);
  }
  async getOrgBySlug(slug: string): Promise<Org | undefined> {
    const row = await this.db.selectFrom('orgs').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row && toOrg(row);
  }
  async listOrgs(q: { kind?: Org['kind']; status?: Org['status'][]; after?: string; limit: number }): Promise<Org[]> {
    let query = this.db.selectFrom('orgs').selectAll().orderBy('slug').limit(q.limit);
    if (q.kind !== undefined) query = query.where('kind', '=', q.kind);
    if (q.status && q.status.length > 0) query = query.where('status', 'in', q.status);
    if (q.after !== undefined) query = query.where('slug', '>', q.after);
    return (await query.execute()).map(toOrg);
  }
  async countOrgs(q: { kind?: Org['kind']; status?: Org['status'][]; joinedBefore?: string }): Promise<number> {
    let query = this.db.selectFrom('orgs').select((eb) => eb.fn.countAll<number | string>().as('n'));
    if (q.kind !== undefined) query = query.where('kind', '=', q.kind);
    if (q.status && q.status.length > 0) query = query.where('status', 'in', q.status);
    if (q.joinedBefore !== undefined) query = query.where('joined_at', '<', q.joinedBefore);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // users
  async insertUser(user: User): Promise<void> {
    await this.insertUnique('USER_EMAIL_TAKEN', `A user with e-mail ${user.email} already exists.`, () =>
      this.db.insertInto('users').values(user).execute(),
    );
  }
  async updateUser(id: string, patch: Partial<Pick<User, 'name' | 'role' | 'disabled_at'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }
  async getUser(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }
  async getUserByEmail(email: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toUser(row);
  }
  async listUsers(orgId: string): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('email').execute();
    return rows.map(toUser);
  }
  async countActiveUsers(q: { orgId?: string; role: Role }): Promise<number> {
    let query = this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role', '=', q.role)
      .where('disabled_at', 'is', null);
    if (q.orgId !== undefined) query = query.where('org_id', '=', q.orgId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  // tokens
  async insertToken(token: ApiToken): Promise<void> {
    await this.db.insertInto('api_tokens').values(token).execute();
  }
  async getTokenByHash(hash: string): Promise<ApiToken | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
  }
  async getToken(id: string): Promise<ApiToken | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }
  async listTokens(userId: string): Promise<ApiToken[]> {
    return this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
  }
  async updateToken(id: string, patch: Partial<Pick<ApiToken, 'last_used_at' | 'revoked_at'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('api_tokens').set(patch).where('id', '=', id).execute();
  }

  // invitations
  async insertInvitation(inv: Invitation): Promise<void> {
    await this.db.insertInto('invitations').values(inv).execute();
  }
  async getInvitation(id: string): Promise<Invitation | undefined> {
    const row = await this.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toInvitation(row);
  }
  async getInvitationByHash(hash: string): Promise<Invitation | undefined> {
    const row = await this.db.selectFrom('invitations').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toInvitation(row);
  }
  async listInvitations(orgId: string): Promise<Invitation[]> {
    const rows = await this.db.selectFrom('invitations').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toInvitation);
  }
  async updateInvitation(id: string, patch: Partial<Pick<Invitation, 'accepted_at' | 'revoked_at' | 'user_id'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('invitations').set(patch).where('id', '=', id).execute();
  }

  // signing keys
  async insertKey(key: SigningKey): Promise<void> {
    const row = { ...key, purl_namespaces: key.purl_namespaces === null ? null : JSON.stringify(key.purl_namespaces) };
    await this.insertUnique('KEY_INVALID', 'This key is already registered.', () => this.db.insertInto('signing_keys').values(row).execute());
  }
  async getKey(id: string): Promise<SigningKey | undefined> {
    const row = await this.db.selectFrom('signing_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toKey(row);
  }
  async listKeys(orgId: string): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toKey);
  }
  async listActiveKeyScopes(): Promise<{ org_id: string; slug: string; purl_namespaces: string[] | null }[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .innerJoin('orgs', 'orgs.id', 'signing_keys.org_id')
      .select(['signing_keys.org_id', 'orgs.slug', 'signing_keys.purl_namespaces'])
      .where('signing_keys.revoked_at', 'is', null)
      .orderBy('signing_keys.id')
      .execute();
    return rows.map((r) => ({ org_id: r.org_id, slug: r.slug, purl_namespaces: parseNamespaces(r.purl_namespaces) }));
  }
  async lockKeys(): Promise<void> {
    if (!this.db.isTransaction) throw new Error('RegistryStore.lockKeys() holds only inside a transaction');
    // SHARE ROW EXCLUSIVE conflicts with itself and with the ROW EXCLUSIVE lock every
    // insert or update takes: registrations queue behind each other, reads go on.
    // SQLite has one writer at a time and its transaction already excludes the others.
    if (this.caps.multipleWriters) await sql`LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE`.execute(this.db);
  }
  async updateKey(id: string, patch: Partial<Pick<SigningKey, 'revoked_at'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('signing_keys').set(patch).where('id', '=', id).execute();
  }

  // pledges and endorsements
  async insertPledge(p: Pledge): Promise<void> {
    await this.insertUnique('PLEDGE_SLUG_TAKEN', `A pledge with slug "${p.slug}" already exists.`, () =>
      this.db.insertInto('pledges').values(p).execute(),
    );
  }
  async getPledgeBySlug(slug: string): Promise<Pledge | undefined> {
    const row = await this.db.selectFrom('pledges').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row && toPledge(row);
  }
  async listPledges(): Promise<Pledge[]> {
    const rows = await this.db.selectFrom('pledges').selectAll().orderBy('created_at').orderBy('slug').execute();
    return rows.map(toPledge);
  }
  async putEndorsement(e: Endorsement): Promise<void> {
    await this.db
      .insertInto('endorsements')
      .values(e)
      .onConflict((oc) => oc.columns(['org_id', 'pledge_id']).doUpdateSet({ endorsed_at: e.endorsed_at, withdrawn_at: e.withdrawn_at }))
      .execute();
  }
  async listEndorsements(q: { orgIds?: string[] }): Promise<Endorsement[]> {
    let query = this.db.selectFrom('endorsements').selectAll().orderBy('org_id').orderBy('endorsed_at');
    if (q.orgIds !== undefined) {
      if (q.orgIds.length === 0) return [];
      query = query.where('org_id', 'in', q.orgIds);
    }
    return query.execute();
  }

  // applications, sponsors and votes
  async insertApplication(a: Application): Promise<void> {
    await this.db
      .insertInto('applications')
      .values({ ...a, pledges: JSON.stringify(a.pledges), demo: a.demo ? 1 : 0 })
      .execute();
  }
  async getApplication(id: string): Promise<Application | undefined> {
    const row = await this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toApplication(row);
  }
  async listApplications(q: {
    status?: Application['status'][];
    before?: { submitted_at: string; id: string };
    limit: number;
  }): Promise<Application[]> {
    let query = this.db.selectFrom('applications').selectAll().orderBy('submitted_at', 'desc').orderBy('id', 'desc').limit(q.limit);
    if (q.status && q.status.length > 0) query = query.where('status', 'in', q.status);
    const before = q.before;
    if (before !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('submitted_at', '<', before.submitted_at),
          eb.and([eb('submitted_at', '=', before.submitted_at), eb('id', '<', before.id)]),
        ]),
      );
    }
    return (await query.execute()).map(toApplication);
  }
  async updateApplication(id: string, patch: Partial<Omit<Application, 'id' | 'submitted_at'>>, expectedStatus?: Application['status']): Promise<boolean> {
    const { pledges, demo, ...rest } = patch;
    const values: Record<string, unknown> = { ...rest };
    if (pledges !== undefined) values.pledges = JSON.stringify(pledges);
    if (demo !== undefined) values.demo = demo ? 1 : 0;
    if (Object.keys(values).length === 0) return true;
    let q = this.db.updateTable('applications').set(values).where('id', '=', id);
    if (expectedStatus !== undefined) q = q.where('status', '=', expectedStatus);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async insertSponsorship(s: Sponsorship): Promise<void> {
    await this.insertUnique('ALREADY_SPONSORED', 'Your organisation already sponsors this application.', () =>
      this.db.insertInto('sponsorships').values(s).execute(),
    );
  }
  async listSponsorships(applicationId: string): Promise<Sponsorship[]> {
    return this.db.selectFrom('sponsorships').selectAll().where('application_id', '=', applicationId).orderBy('created_at').execute();
  }
  async insertVote(v: Vote): Promise<void> {
    await this.insertUnique('ALREADY_VOTED', 'Your organisation has already voted on this application.', () =>
      this.db.insertInto('votes').values(v).execute(),
    );
  }
  async listVotes(applicationId: string): Promise<Vote[]> {
    const rows = await this.db.selectFrom('votes').selectAll().where('application_id', '=', applicationId).orderBy('cast_at').execute();
    return rows.map((r) => ({ ...r, choice: r.choice as Vote['choice'] }));
  }

  // settings
  async getSetting<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }
  async putSetting(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: text })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
      .execute();
  }

  // audit
  async appendAudit(e: NewAuditEvent): Promise<number> {
    const row = await this.db
      .insertInto('audit_events')
      .values({ ...e, data: JSON.stringify(e.data) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }
  async listAuditAfter(afterId: number, limit: number): Promise<AuditEvent[]> {
    const rows = await this.db.selectFrom('audit_events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), data: parseJson(r.data) }));
  }
  async listAudit(q: { type?: string; subjectId?: string; actorOrgId?: string; before?: number; limit: number }): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.type !== undefined) query = query.where('type', '=', q.type);
    if (q.subjectId !== undefined) query = query.where('subject_id', '=', q.subjectId);
    if (q.actorOrgId !== undefined) query = query.where('actor_org_id', '=', q.actorOrgId);
    if (q.before !== undefined) query = query.where('id', '<', q.before);
    const rows = await query.execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), data: parseJson(r.data) }));
  }
}

function parseJson(v: unknown): Record<string, unknown> {
  // PostgreSQL's jsonb arrives parsed; SQLite's text does not.
  return (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
}

function toOrg(r: Selectable<DB['orgs']>): Org {
  return { ...r, kind: r.kind as Org['kind'], status: r.status as Org['status'], size_band: r.size_band as Org['size_band'], demo: Number(r.demo) === 1 };
}
function toUser(r: Selectable<DB['users']>): User {
  return { ...r, role: r.role as Role };
}
function toInvitation(r: Selectable<DB['invitations']>): Invitation {
  return { ...r, role: r.role as Role };
}
function parseNamespaces(v: string | null): string[] | null {
  return v === null ? null : (JSON.parse(v) as string[]);
}
function toKey(r: Selectable<DB['signing_keys']>): SigningKey {
  return { ...r, algorithm: r.algorithm as SigningKey['algorithm'], purl_namespaces: parseNamespaces(r.purl_namespaces) };
}
function toPledge(r: Selectable<DB['pledges']>): Pledge {
  return { ...r, kind: r.kind as Pledge['kind'] };
}
function toApplication(r: Selectable<DB['applications']>): Application {
  const pledges = (typeof r.pledges === 'string' ? JSON.parse(r.pledges) : r.pledges) as string[];
  return {
    ...r,
    size_band: r.size_band as ApplicationInput['size_band'],
    status: r.status as Application['status'],
    pledges,
    demo: Number(r.demo) === 1,
  };
}
