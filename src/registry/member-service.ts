import { randomUUID } from 'node:crypto';
import { canGrantRole, canManageUser, canSeeOrgInternals, isAdmin, requireManageOrg, requireUser } from './access.js';
import { addDays, iso } from './clock.js';
import type { RegistryDeps } from './deps.js';
import { RegistryError } from './errors.js';
import { INVITATION_PREFIX, TOKEN_PREFIX, displayPrefix, hashSecret, isStrongEnoughToken, newSecret } from './secrets.js';
import { Checker, normaliseEmail } from './validate.js';
import type { ApiToken, Invitation, Principal, Role, User } from './types.js';

/** A token as lists show it: never the secret or its hash. */
export type TokenInfo = Omit<ApiToken, 'hash'>;
export type InvitationInfo = Omit<Invitation, 'hash'>;

export const INVITATION_DEFAULT_DAYS = 7;
export const INVITATION_MAX_DAYS = 30;
export const TOKEN_MAX_DAYS = 366;

export function tokenInfo(t: ApiToken): TokenInfo {
  const { hash: _hash, ...rest } = t;
  return rest;
}
export function invitationInfo(i: Invitation): InvitationInfo {
  const { hash: _hash, ...rest } = i;
  return rest;
}

/** Users, invitations and API tokens. */
export class MemberService {
  constructor(private readonly deps: RegistryDeps) {}

  /** Creates a user with a first token, inside the caller's transaction (bootstrap, invitations). */
  async createUserWithToken(
    tx: RegistryDeps['store'],
    actor: Principal | null,
    input: { org_id: string; email: string; name: string; role: Role; token?: string; token_name?: string },
    via: string,
  ): Promise<{ user: User; token: string; token_info: TokenInfo }> {
    const c = new Checker();
    c.email('/email', input.email);
    c.text('/name', input.name, 200);
    if (input.token !== undefined && !isStrongEnoughToken(input.token)) {
      c.add('/token', 'a supplied token must be at least 24 printable ASCII characters without spaces');
    }
    c.done();
    const now = iso(this.deps.clock.now());
    const user: User = {
      id: randomUUID(),
      org_id: input.org_id,
      email: normaliseEmail(input.email),
      name: input.name.trim(),
      role: input.role,
      created_at: now,
      disabled_at: null,
    };
    await tx.insertUser(user);
    await this.deps.events.userCreated(tx, actor, user.id, user.org_id, user.role, via);
    const { token, info } = await this.insertToken(tx, actor, user.id, input.token_name ?? 'first token', null, input.token);
    return { user, token, token_info: info };
  }

  private async insertToken(
    tx: RegistryDeps['store'],
    actor: Principal | null,
    userId: string,
    name: string,
    expiresAt: string | null,
    supplied?: string,
  ): Promise<{ token: string; info: TokenInfo }> {
    const token = supplied ?? newSecret(TOKEN_PREFIX);
    const row: ApiToken = {
      id: randomUUID(),
      user_id: userId,
      name,
      prefix: supplied ? supplied.slice(0, 6) : displayPrefix(token),
      hash: hashSecret(token),
      created_at: iso(this.deps.clock.now()),
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await tx.insertToken(row);
    await this.deps.events.tokenCreated(tx, actor, row.id, userId);
    return { token, info: tokenInfo(row) };
  }

  /** Users of an organisation: visible to its own users and the secretariat. */
  async listUsers(actor: Principal, orgId: string): Promise<User[]> {
    requireUser(actor);
    if (!canSeeOrgInternals(actor, orgId)) throw new RegistryError('FORBIDDEN', "Only the organisation's users may list them.");
    return this.deps.store.listUsers(orgId);
  }

  async getUser(actor: Principal, id: string): Promise<User> {
    requireUser(actor);
    const user = await this.deps.store.getUser(id);
    if (!user || !canSeeOrgInternals(actor, user.org_id)) throw new RegistryError('USER_NOT_FOUND', 'No such user.');
    return user;
  }

  /** Changes a user's role, name or disabled state. The last active admin can be neither demoted nor disabled. */
  async updateUser(actor: Principal, id: string, patch: { role?: Role; name?: string; disabled?: boolean }): Promise<User> {
    const target = await this.getUser(actor, id);
    if (!canManageUser(actor, target)) throw new RegistryError('FORBIDDEN', 'You may not change this user.');
    const c = new Checker();
    c.text('/name', patch.name, 200);
    c.done();
    const org = (await this.deps.store.getOrg(target.org_id))!;
    if (patch.role !== undefined && patch.role !== target.role && !canGrantRole(actor, org, patch.role)) {
      throw new RegistryError('FORBIDDEN', `You may not grant the role ${patch.role} here.`);
    }
    const changes: Partial<Pick<User, 'name' | 'role' | 'disabled_at'>> = {};
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.role !== undefined && patch.role !== target.role) changes.role = patch.role;
    if (patch.disabled === true && target.disabled_at === null) changes.disabled_at = iso(this.deps.clock.now());
    if (patch.disabled === false && target.disabled_at !== null) changes.disabled_at = null;
    if (Object.keys(changes).length === 0) return target;
    return this.deps.store.transaction(async (tx) => {
      const losesAdmin = target.role === 'admin' && target.disabled_at === null && (changes.role !== undefined || changes.disabled_at != null);
      if (losesAdmin && (await tx.countActiveUsers({ role: 'admin' })) <= 1) {
        throw new RegistryError('LAST_ADMIN', 'This is the last active admin; appoint another first.');
      }
      await tx.updateUser(target.id, changes);
      await this.deps.events.userUpdated(tx, actor, target.id, { ...changes });
      return (await tx.getUser(target.id))!;
    });
  }

  /** Invites someone to an organisation with a role; returns the secret once. */
  async invite(
    actor: Principal,
    orgId: string,
    input: { email: string; role: Role; expires_in_days?: number },
  ): Promise<{ invitation: InvitationInfo; token: string }> {
    requireManageOrg(actor, orgId);
    const org = await this.deps.store.getOrg(orgId);
    if (!org) throw new RegistryError('ORG_NOT_FOUND', 'No such organisation.');
    if (!canGrantRole(actor, org, input.role)) throw new RegistryError('FORBIDDEN', `You may not grant the role ${input.role} here.`);
    return this.deps.store.transaction((tx) => this.inviteIn(tx, actor, orgId, input));
  }

  /** Creates an invitation inside the caller's transaction (admissions invite the first org-admin). */
  async inviteIn(
    tx: RegistryDeps['store'],
    actor: Principal | null,
    orgId: string,
    input: { email: string; role: Role; expires_in_days?: number },
  ): Promise<{ invitation: InvitationInfo; token: string }> {
    const c = new Checker();
    c.email('/email', input.email);
    const days = input.expires_in_days ?? INVITATION_DEFAULT_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > INVITATION_MAX_DAYS) c.add('/expires_in_days', `must be 1 to ${INVITATION_MAX_DAYS}`);
    c.done();
    const email = normaliseEmail(input.email);
    if (await tx.getUserByEmail(email)) throw new RegistryError('USER_EMAIL_TAKEN', `A user with e-mail ${email} already exists.`);
    const now = this.deps.clock.now();
    const token = newSecret(INVITATION_PREFIX);
    const inv: Invitation = {
      id: randomUUID(),
      org_id: orgId,
      email,
      role: input.role,
      hash: hashSecret(token),
      created_by: actor?.kind === 'user' ? actor.user.id : null,
      created_at: iso(now),
      expires_at: iso(addDays(now, days)),
      accepted_at: null,
      revoked_at: null,
      user_id: null,
    };
    await tx.insertInvitation(inv);
    await this.deps.events.invitationCreated(tx, actor, inv.id, orgId, inv.role);
    return { invitation: invitationInfo(inv), token };
  }

  async listInvitations(actor: Principal, orgId: string): Promise<InvitationInfo[]> {
    requireManageOrg(actor, orgId);
    return (await this.deps.store.listInvitations(orgId)).map(invitationInfo);
  }

  async revokeInvitation(actor: Principal, id: string): Promise<InvitationInfo> {
    requireUser(actor);
    const inv = await this.deps.store.getInvitation(id);
    if (!inv) throw new RegistryError('INVITATION_NOT_FOUND', 'No such invitation.');
    requireManageOrg(actor, inv.org_id);
    if (inv.accepted_at !== null) throw new RegistryError('INVITATION_USED', 'The invitation was already accepted.');
    if (inv.revoked_at !== null) return invitationInfo(inv);
    const revoked_at = iso(this.deps.clock.now());
    await this.deps.store.transaction(async (tx) => {
      await tx.updateInvitation(inv.id, { revoked_at });
      await this.deps.events.invitationRevoked(tx, actor, inv.id);
    });
    return invitationInfo({ ...inv, revoked_at });
  }

  /** Accepts an invitation (no account needed): creates the user and returns their first API token once. */
  async acceptInvitation(input: { token: string; name: string }): Promise<{ user: User; token: string; token_info: TokenInfo }> {
    const hash = hashSecret(input.token);
    return this.deps.store.transaction(async (tx) => {
      const inv = await tx.getInvitationByHash(hash);
      if (!inv || inv.revoked_at !== null) throw new RegistryError('INVITATION_NOT_FOUND', 'The invitation is not valid.');
      if (inv.accepted_at !== null) throw new RegistryError('INVITATION_USED', 'The invitation was already accepted.');
      if (Date.parse(inv.expires_at) <= this.deps.clock.now().getTime()) {
        throw new RegistryError('INVITATION_EXPIRED', 'The invitation has expired; ask for a new one.');
      }
      const created = await this.createUserWithToken(
        tx,
        null,
        { org_id: inv.org_id, email: inv.email, name: input.name, role: inv.role },
        `invitation:${inv.id}`,
      );
      await tx.updateInvitation(inv.id, { accepted_at: iso(this.deps.clock.now()), user_id: created.user.id });
      await this.deps.events.invitationAccepted(tx, inv.id, created.user.id);
      return created;
    });
  }

  /** The caller's own tokens. */
  async listTokens(actor: Principal): Promise<TokenInfo[]> {
    const u = requireUser(actor);
    return (await this.deps.store.listTokens(u.user.id)).map(tokenInfo);
  }

  /** A new token for the caller; the secret is returned once. */
  async createToken(actor: Principal, input: { name: string; expires_in_days?: number }): Promise<{ token: string; token_info: TokenInfo }> {
    const u = requireUser(actor);
    const c = new Checker();
    c.text('/name', input.name, 200);
    const days = input.expires_in_days;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > TOKEN_MAX_DAYS)) c.add('/expires_in_days', `must be 1 to ${TOKEN_MAX_DAYS}`);
    c.done();
    const expires = days === undefined ? null : iso(addDays(this.deps.clock.now(), days));
    return this.deps.store.transaction(async (tx) => {
      const { token, info } = await this.insertToken(tx, actor, u.user.id, input.name.trim(), expires);
      return { token, token_info: info };
    });
  }

  /** Revokes a token: the owner, an org-admin of the owner's organisation, or the secretariat. */
  async revokeToken(actor: Principal, id: string): Promise<TokenInfo> {
    const u = requireUser(actor);
    const token = await this.deps.store.getToken(id);
    const owner = token && (await this.deps.store.getUser(token.user_id));
    if (!token || !owner || (owner.id !== u.user.id && !canManageUser(actor, owner) && !isAdmin(actor))) {
      throw new RegistryError('TOKEN_NOT_FOUND', 'No such token.');
    }
    if (token.revoked_at !== null) return tokenInfo(token);
    const revoked_at = iso(this.deps.clock.now());
    await this.deps.store.transaction(async (tx) => {
      await tx.updateToken(token.id, { revoked_at });
      await this.deps.events.tokenRevoked(tx, actor, token.id, owner.id);
    });
    return tokenInfo({ ...token, revoked_at });
  }
}
