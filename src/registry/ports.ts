import type {
  ApiToken,
  Application,
  ApplicationStatus,
  AuditEvent,
  Endorsement,
  Invitation,
  NewAuditEvent,
  Org,
  OrgStatus,
  Page,
  Pledge,
  Role,
  SigningKey,
  Sponsorship,
  User,
  Vote,
} from './types.js';

/**
 * What the registry needs from storage. Shaped by the domain, implemented by
 * `store/sqlite` and `store/postgres`. Inserts that would break a uniqueness
 * rule throw the matching `RegistryError` (ORG_SLUG_TAKEN, USER_EMAIL_TAKEN,
 * PLEDGE_SLUG_TAKEN, ALREADY_SPONSORED, ALREADY_VOTED) and write nothing.
 */
export interface RegistryStore {
  /** Runs `fn` in one transaction: all of its writes land, or none do. */
  transaction<T>(fn: (tx: RegistryStore) => Promise<T>): Promise<T>;

  insertOrg(org: Org): Promise<void>;
  updateOrg(id: string, patch: Partial<Omit<Org, 'id' | 'created_at'>>): Promise<void>;
  getOrg(id: string): Promise<Org | undefined>;
  getOrgBySlug(slug: string): Promise<Org | undefined>;
  /** Organisations ordered by slug; `after` is the last slug of the previous page. */
  listOrgs(q: { kind?: Org['kind']; status?: OrgStatus[]; after?: string; limit: number }): Promise<Org[]>;
  countOrgs(q: { kind?: Org['kind']; status?: OrgStatus[]; joinedBefore?: string }): Promise<number>;

  insertUser(user: User): Promise<void>;
  updateUser(id: string, patch: Partial<Pick<User, 'name' | 'role' | 'disabled_at'>>): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  getUserByEmail(email: string): Promise<User | undefined>;
  listUsers(orgId: string): Promise<User[]>;
  countActiveUsers(q: { orgId?: string; role: Role }): Promise<number>;

  insertToken(token: ApiToken): Promise<void>;
  getTokenByHash(hash: string): Promise<ApiToken | undefined>;
  getToken(id: string): Promise<ApiToken | undefined>;
  listTokens(userId: string): Promise<ApiToken[]>;
  updateToken(id: string, patch: Partial<Pick<ApiToken, 'last_used_at' | 'revoked_at'>>): Promise<void>;

  insertInvitation(inv: Invitation): Promise<void>;
  getInvitation(id: string): Promise<Invitation | undefined>;
  getInvitationByHash(hash: string): Promise<Invitation | undefined>;
  listInvitations(orgId: string): Promise<Invitation[]>;
  updateInvitation(id: string, patch: Partial<Pick<Invitation, 'accepted_at' | 'revoked_at' | 'user_id'>>): Promise<void>;

  insertKey(key: SigningKey): Promise<void>;
  getKey(id: string): Promise<SigningKey | undefined>;
  listKeys(orgId: string): Promise<SigningKey[]>;
  /** Every unrevoked key with its organisation's slug: whose namespaces a new key must not overlap. */
  listActiveKeyScopes(): Promise<{ org_id: string; slug: string; purl_namespaces: string[] | null }[]>;
  /**
   * Inside a transaction: until it ends, no other transaction adds or revokes a
   * key, so a check over every key (namespace overlap) stays true until the
   * insert lands. Throws outside a transaction.
   */
  lockKeys(): Promise<void>;
  updateKey(id: string, patch: Partial<Pick<SigningKey, 'revoked_at'>>): Promise<void>;

  insertPledge(p: Pledge): Promise<void>;
  getPledgeBySlug(slug: string): Promise<Pledge | undefined>;
  listPledges(): Promise<Pledge[]>;

  /** Records (or re-records after a withdrawal) an organisation's endorsement of a pledge. */
  putEndorsement(e: Endorsement): Promise<void>;
  listEndorsements(q: { orgIds?: string[] }): Promise<Endorsement[]>;

  insertApplication(a: Application): Promise<void>;
  getApplication(id: string): Promise<Application | undefined>;
  /** Applications, newest first; `before` is the `submitted_at|id` cursor of the previous page. */
  listApplications(q: { status?: ApplicationStatus[]; before?: { submitted_at: string; id: string }; limit: number }): Promise<Application[]>;
  /**
   * Updates an application; with `expectedStatus`, only if its status is still
   * that (a compare-and-swap that makes concurrent decisions safe). Returns
   * whether a row was updated.
   */
  updateApplication(id: string, patch: Partial<Omit<Application, 'id' | 'submitted_at'>>, expectedStatus?: ApplicationStatus): Promise<boolean>;

  insertSponsorship(s: Sponsorship): Promise<void>;
  listSponsorships(applicationId: string): Promise<Sponsorship[]>;
  insertVote(v: Vote): Promise<void>;
  listVotes(applicationId: string): Promise<Vote[]>;

  getSetting<T>(key: string): Promise<T | undefined>;
  putSetting(key: string, value: unknown): Promise<void>;

  /** Appends to the audit trail and returns the event's id (increasing). */
  appendAudit(e: NewAuditEvent): Promise<number>;
  /** Audit events, newest first; `before` is the id cursor of the previous page. */
  /** Audit events after `afterId`, oldest first (for feeding the ledger). */
  listAuditAfter(afterId: number, limit: number): Promise<AuditEvent[]>;
  listAudit(q: { type?: string; subjectId?: string; actorOrgId?: string; before?: number; limit: number }): Promise<AuditEvent[]>;
}

export type { Page };
