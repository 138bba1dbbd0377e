import { DisclosureError } from './errors.js';
import type { ReportState } from './types.js';

/**
 * Each participant's report management (Vultron RM): received → valid or
 * invalid; valid → accepted or deferred; deferred ⇄ accepted; invalid may be
 * revalidated; invalid, deferred and accepted may close. Closed is final.
 */
const NEXT: Record<ReportState, readonly ReportState[]> = {
  received: ['valid', 'invalid'],
  valid: ['accepted', 'deferred'],
  invalid: ['valid', 'closed'],
  accepted: ['deferred', 'closed'],
  deferred: ['accepted', 'closed'],
  closed: [],
};

export function allowedReportStates(from: ReportState): readonly ReportState[] {
  return NEXT[from];
}

export function nextReportState(from: ReportState, to: ReportState): ReportState {
  if (!NEXT[from].includes(to)) {
    throw new DisclosureError('REPORT_STATE_INVALID', `A report cannot go from "${from}" to "${to}"; allowed: ${NEXT[from].join(', ') || 'nothing (closed is final)'}.`, {
      details: { from, to, allowed: [...NEXT[from]] },
    });
  }
  return to;
}
