import { RegistryError } from './errors.js';
import type { Org, Principal, Role, User } from './types.js';

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Throws AUTH_REQUIRED unless a user is signed in. */
export function requireUser(p: Principal): UserPrincipal {
  if (p.kind !== 'user') throw new RegistryError('AUTH_REQUIRED', 'Sign in with an API token.');
  return p;
}

export function isAdmin(p: Principal): boolean {
  return p.kind === 'user' && p.user.role === 'admin' && p.org.kind === 'secretariat';
}

/** Throws FORBIDDEN unless the caller is the coalition secretariat's admin. */
export function requireAdmin(p: Principal): UserPrincipal {
  const u = requireUser(p);
  if (!isAdmin(u)) throw new RegistryError('FORBIDDEN', 'Only the secretariat may do this.');
  return u;
}

/** The caller belongs to `orgId` (any role), or is the secretariat. */
export function canSeeOrgInternals(p: Principal, orgId: string): boolean {
  return isAdmin(p) || (p.kind === 'user' && p.org.id === orgId);
}

/** The caller administers `orgId` (org-admin of it), or is the secretariat. */
export function canManageOrg(p: Principal, orgId: string): boolean {
  return isAdmin(p) || (p.kind === 'user' && p.org.id === orgId && p.user.role === 'org-admin');
}

export function requireManageOrg(p: Principal, orgId: string): UserPrincipal {
  const u = requireUser(p);
  if (!canManageOrg(u, orgId)) throw new RegistryError('FORBIDDEN', "Only the organisation's org-admins or the secretariat may do this.");
  return u;
}

/** A signatory in good standing: member status, not the secretariat. */
export function isMemberOrg(org: Org): boolean {
  return org.kind === 'signatory' && org.status === 'member';
}

/** Sponsoring and voting are done by an org-admin on behalf of a member organisation. */
export function requireMemberOrgAdmin(p: Principal): UserPrincipal {
  const u = requireUser(p);
  if (!isMemberOrg(u.org)) throw new RegistryError('NOT_A_MEMBER', 'Only member organisations may do this.');
  if (u.user.role !== 'org-admin') throw new RegistryError('FORBIDDEN', "Only an org-admin acts for the organisation.");
  return u;
}

/** Who may grant which role: the secretariat any (admin only within the secretariat), org-admins the non-admin roles of their organisation. */
export function canGrantRole(p: Principal, org: Org, role: Role): boolean {
  if (role === 'admin') return isAdmin(p) && org.kind === 'secretariat';
  return canManageOrg(p, org.id);
}

/** Whether `p` may change `target`'s role or disable them. */
export function canManageUser(p: Principal, target: User): boolean {
  return canManageOrg(p, target.org_id) && (target.role !== 'admin' || isAdmin(p));
}
