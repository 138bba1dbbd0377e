import type { Recipient, Viewer } from './ports.js';
import type { TlpLevel } from './tlp.js';

/**
 * The TLP 2.0 rule (DESIGN.md, Access model), the one definition every path
 * out follows. The stores implement the same rule as a query predicate; the
 * leak test checks both against each other for every role × level × path.
 *
 * - CLEAR: anyone, anonymous included.
 * - GREEN: every signed-in member of the coalition.
 * - AMBER: the author's organisation, plus the organisations, sharing groups
 *   and users the object names.
 * - AMBER+STRICT: the author's organisation only (named recipients are ignored).
 * - RED: the author (the user who shared it) and the named recipients only —
 *   not the author's colleagues, not the secretariat, unless named.
 */
export interface AccessMeta {
  tlp: TlpLevel;
  author_org_id: string;
  author_user_id: string;
  recipients: readonly Recipient[];
}

/** Whether the viewer is among an object's named recipients. */
export function isNamedRecipient(viewer: Viewer, recipients: readonly Recipient[]): boolean {
  if (viewer.kind !== 'user') return false;
  for (const r of recipients) {
    if (r === `org:${viewer.orgId}` || r === `user:${viewer.userId}`) return true;
    if (r.startsWith('group:') && viewer.groupIds.includes(r.slice(6))) return true;
  }
  return false;
}

export function canRead(viewer: Viewer, o: AccessMeta): boolean {
  if (o.tlp === 'CLEAR') return true;
  if (viewer.kind !== 'user') return false;
  switch (o.tlp) {
    case 'GREEN':
      return true;
    case 'AMBER':
      return viewer.orgId === o.author_org_id || isNamedRecipient(viewer, o.recipients);
    case 'AMBER+STRICT':
      return viewer.orgId === o.author_org_id;
    case 'RED':
      return viewer.userId === o.author_user_id || isNamedRecipient(viewer, o.recipients);
    default:
      return false;
  }
}

/** The principals a viewer matches in a recipients list (what the store's predicate looks for). */
export function viewerPrincipals(viewer: Viewer): Recipient[] {
  if (viewer.kind !== 'user') return [];
  return [`org:${viewer.orgId}`, `user:${viewer.userId}`, ...viewer.groupIds.map((g): Recipient => `group:${g}`)];
}

/** TLP levels as small integers for storage and range predicates (0 CLEAR … 4 RED). */
export const TLP_RANK: Readonly<Record<TlpLevel, number>> = { CLEAR: 0, GREEN: 1, AMBER: 2, 'AMBER+STRICT': 3, RED: 4 };
export const TLP_BY_RANK: readonly TlpLevel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
