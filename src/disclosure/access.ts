import type { Role } from '../registry/types.js';
import type { AttachmentMeta, CaseEvent, Participant, ParticipantKind, VendorStatus } from './types.js';

/** Who is acting on a case: a signed-in user, or the holder of a participant's secret case link. */
export type CaseActor =
  | { kind: 'user'; userId: string; orgId: string; role: Role; name: string; email: string }
  | { kind: 'link'; participantId: string };

/** Roles of a participating organisation whose members work its cases. */
export const CASE_ROLES: readonly Role[] = ['admin', 'org-admin', 'psirt'];

const RANK: Record<ParticipantKind, number> = { coordinator: 0, vendor: 1, reporter: 2, stakeholder: 3 };

/**
 * The participants `actor` acts as, strongest first (coordinator, vendor,
 * reporter, stakeholder). Empty means the actor is an outsider: the case does
 * not exist for them.
 */
export function actingAs(actor: CaseActor, participants: readonly Participant[]): Participant[] {
  const mine = participants.filter((p) =>
    actor.kind === 'link'
      ? p.id === actor.participantId
      : p.user_id === actor.userId || (p.org_id !== null && p.org_id === actor.orgId && CASE_ROLES.includes(actor.role)),
  );
  return mine.sort((a, b) => RANK[a.kind] - RANK[b.kind]);
}

/** What one viewer may see of a case's parts: the single place the visibility rules live. */
export class CaseLens {
  readonly ids: ReadonlySet<string>;
  readonly coordinator: boolean;
  readonly vendor: boolean;

  constructor(readonly as: readonly Participant[]) {
    this.ids = new Set(as.map((p) => p.id));
    this.coordinator = as.some((p) => p.kind === 'coordinator');
    this.vendor = as.some((p) => p.kind === 'vendor');
  }

  /** The coordinator and the participant itself see report state and contact address; others see who takes part. */
  participant(p: Participant) {
    const full = this.coordinator || this.ids.has(p.id);
    return {
      id: p.id,
      kind: p.kind,
      name: p.name,
      org_id: p.org_id,
      report_state: full ? p.report_state : null,
      email: full ? p.email : null,
      is_you: this.ids.has(p.id),
      created_at: p.created_at,
    };
  }

  /** A vendor's status reaches other participants only if the vendor shared it. */
  status(s: VendorStatus): boolean {
    return this.coordinator || this.ids.has(s.participant_id) || s.shared;
  }

  event(e: CaseEvent): boolean {
    return e.private_to === null || this.coordinator || this.ids.has(e.private_to);
  }

  /** Proof material goes to the coordinator and the vendors, and back to whoever uploaded it. */
  attachment(a: AttachmentMeta): boolean {
    return this.coordinator || this.vendor || this.ids.has(a.participant_id);
  }
}
