import type { Logger } from 'pino';
import type { RegistryStore } from './registry/ports.js';
import type { Principal } from './registry/types.js';
import type { Clock } from './registry/clock.js';

/**
 * One function per business event. Each writes the event to the audit trail
 * inside the caller's transaction (so the trail never disagrees with the
 * data) and to the audit logger. Later pillars also commit events to the ledger.
 */
export class Events {
  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  private async record(
    tx: RegistryStore,
    actor: Principal | null,
    type: string,
    subject: { type: string; id: string },
    data: Record<string, unknown> = {},
    reason: string | null = null,
  ): Promise<void> {
    const user = actor?.kind === 'user' ? actor : null;
    const at = this.clock.now().toISOString();
    const id = await tx.appendAudit({
      at,
      type,
      actor_user_id: user?.user.id ?? null,
      actor_org_id: user?.org.id ?? null,
      subject_type: subject.type,
      subject_id: subject.id,
      reason,
      data,
    });
    this.log.info({ event: type, audit_id: id, actor: user?.user.id ?? 'anonymous', subject, reason }, type);
  }

  coalitionInitialised(tx: RegistryStore, orgId: string, adminUserId: string) {
    return this.record(tx, null, 'coalition.initialised', { type: 'org', id: orgId }, { admin_user_id: adminUserId });
  }
  orgCreated(tx: RegistryStore, actor: Principal | null, orgId: string, data: Record<string, unknown>) {
    return this.record(tx, actor, 'org.created', { type: 'org', id: orgId }, data);
  }
  orgUpdated(tx: RegistryStore, actor: Principal, orgId: string, fields: string[]) {
    return this.record(tx, actor, 'org.updated', { type: 'org', id: orgId }, { fields });
  }
  orgStatusChanged(tx: RegistryStore, actor: Principal, orgId: string, from: string, to: string, reason: string) {
    return this.record(tx, actor, 'org.status_changed', { type: 'org', id: orgId }, { from, to }, reason);
  }
  keyAdded(tx: RegistryStore, actor: Principal, orgId: string, keyId: string, fingerprint: string, purlNamespaces: readonly string[]) {
    return this.record(tx, actor, 'key.added', { type: 'signing_key', id: keyId }, { org_id: orgId, key_id: fingerprint, purl_namespaces: [...purlNamespaces] });
  }
  keyRevoked(tx: RegistryStore, actor: Principal, orgId: string, keyId: string, reason: string | null) {
    return this.record(tx, actor, 'key.revoked', { type: 'signing_key', id: keyId }, { org_id: orgId }, reason);
  }
  pledgeCreated(tx: RegistryStore, actor: Principal | null, pledgeId: string, slug: string) {
    return this.record(tx, actor, 'pledge.created', { type: 'pledge', id: pledgeId }, { slug });
  }
  pledgeEndorsed(tx: RegistryStore, actor: Principal | null, orgId: string, slug: string) {
    return this.record(tx, actor, 'pledge.endorsed', { type: 'org', id: orgId }, { pledge: slug });
  }
  pledgeWithdrawn(tx: RegistryStore, actor: Principal, orgId: string, slug: string, reason: string | null) {
    return this.record(tx, actor, 'pledge.withdrawn', { type: 'org', id: orgId }, { pledge: slug }, reason);
  }
  userCreated(tx: RegistryStore, actor: Principal | null, userId: string, orgId: string, role: string, via: string) {
    return this.record(tx, actor, 'user.created', { type: 'user', id: userId }, { org_id: orgId, role, via });
  }
  userUpdated(tx: RegistryStore, actor: Principal, userId: string, changes: Record<string, unknown>) {
    return this.record(tx, actor, 'user.updated', { type: 'user', id: userId }, changes);
  }
  tokenCreated(tx: RegistryStore, actor: Principal | null, tokenId: string, userId: string) {
    return this.record(tx, actor, 'token.created', { type: 'token', id: tokenId }, { user_id: userId });
  }
  tokenRevoked(tx: RegistryStore, actor: Principal, tokenId: string, userId: string) {
    return this.record(tx, actor, 'token.revoked', { type: 'token', id: tokenId }, { user_id: userId });
  }
  invitationCreated(tx: RegistryStore, actor: Principal | null, invitationId: string, orgId: string, role: string) {
    return this.record(tx, actor, 'invitation.created', { type: 'invitation', id: invitationId }, { org_id: orgId, role });
  }
  invitationRevoked(tx: RegistryStore, actor: Principal, invitationId: string) {
    return this.record(tx, actor, 'invitation.revoked', { type: 'invitation', id: invitationId });
  }
  invitationAccepted(tx: RegistryStore, invitationId: string, userId: string) {
    return this.record(tx, null, 'invitation.accepted', { type: 'invitation', id: invitationId }, { user_id: userId });
  }
  applicationSubmitted(tx: RegistryStore, applicationId: string, orgName: string) {
    return this.record(tx, null, 'application.submitted', { type: 'application', id: applicationId }, { org_name: orgName });
  }
  applicationSponsored(tx: RegistryStore, actor: Principal, applicationId: string) {
    return this.record(tx, actor, 'application.sponsored', { type: 'application', id: applicationId });
  }
  votingOpened(tx: RegistryStore, actor: Principal, applicationId: string, closesAt: string, reason: string | null) {
    return this.record(tx, actor, 'application.voting_opened', { type: 'application', id: applicationId }, { closes_at: closesAt }, reason);
  }
  voteCast(tx: RegistryStore, actor: Principal, applicationId: string, choice: string, reason: string | null) {
    return this.record(tx, actor, 'application.vote_cast', { type: 'application', id: applicationId }, { choice }, reason);
  }
  applicationDecided(
    tx: RegistryStore,
    actor: Principal,
    applicationId: string,
    outcome: 'admitted' | 'rejected',
    tally: Record<string, unknown>,
    reason: string,
  ) {
    return this.record(tx, actor, `application.${outcome}`, { type: 'application', id: applicationId }, tally, reason);
  }
  votingRuleChanged(tx: RegistryStore, actor: Principal, rule: Record<string, unknown>, reason: string | null) {
    return this.record(tx, actor, 'settings.voting_rule_changed', { type: 'settings', id: 'voting_rule' }, rule, reason);
  }
}
