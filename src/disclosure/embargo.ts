import { DisclosureError } from './errors.js';
import type { Embargo, EmbargoState } from './types.js';

/**
 * The embargo state machine (Vultron EM), pure. Every function returns the
 * next embargo or throws `EMBARGO_TRANSITION_INVALID` naming the current state
 * and what is allowed from it. An embargo always has a fixed end, never later
 * than `maxDays` after the proposal, and exits at once when the details or an
 * exploit become public.
 *
 *   none ──propose──▶ proposed ──accept (all required)──▶ active ──propose──▶ revise
 *    ▲                  │  ▲ propose (counter)              │  ▲               │ accept (all) → active, new end
 *    └─────reject───────┘  └──┘                             │  └──reject───────┘ (old end kept)
 *                                                          end/public/terminate ──▶ exited (final)
 */

export type EmbargoAction = 'propose' | 'accept' | 'reject' | 'terminate' | 'end';

const ALLOWED: Record<EmbargoState, readonly EmbargoAction[]> = {
  none: ['propose'],
  proposed: ['propose', 'accept', 'reject'],
  active: ['propose', 'terminate', 'end'],
  revise: ['propose', 'accept', 'reject', 'terminate', 'end'],
  exited: [],
};

/** What may happen next from `state` (for error details and the console's buttons). */
export function allowedEmbargoActions(state: EmbargoState): readonly EmbargoAction[] {
  return ALLOWED[state];
}

function refuse(e: Embargo, action: EmbargoAction, why?: string): never {
  throw new DisclosureError('EMBARGO_TRANSITION_INVALID', why ?? `An embargo in state "${e.state}" cannot be ${PAST[action]}; allowed: ${ALLOWED[e.state].join(', ') || 'nothing (final state)'}.`, {
    details: { state: e.state, action, allowed: [...ALLOWED[e.state]] },
  });
}

const PAST: Record<EmbargoAction, string> = { propose: 'proposed', accept: 'accepted', reject: 'rejected', terminate: 'terminated', end: 'ended' };

function guard(e: Embargo, action: EmbargoAction): void {
  if (!ALLOWED[e.state].includes(action)) refuse(e, action);
}

export interface ProposeInput {
  by: string;
  endAt: string;
  now: Date;
  maxDays: number;
  /** True once the details or an exploit are public: no embargo can start or be extended then. */
  isPublic: boolean;
}

/** Parses and checks a proposed end: a date-time in the future, within `maxDays`. */
export function checkEmbargoEnd(endAt: string, now: Date, maxDays: number): string {
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(endAt) ? Date.parse(endAt) : NaN;
  if (!Number.isFinite(t)) {
    throw new DisclosureError('EMBARGO_END_INVALID', `${JSON.stringify(endAt.slice(0, 60))} is not an RFC 3339 date-time with a time zone.`);
  }
  if (t <= now.getTime()) throw new DisclosureError('EMBARGO_END_INVALID', 'An embargo must end in the future.');
  const limit = now.getTime() + maxDays * 86_400_000;
  if (t > limit) {
    throw new DisclosureError('EMBARGO_END_INVALID', `An embargo may last at most ${maxDays} days (until ${new Date(limit).toISOString()}).`, {
      details: { max_days: maxDays, latest: new Date(limit).toISOString() },
    });
  }
  return new Date(t).toISOString();
}

export function proposeEmbargo(e: Embargo, p: ProposeInput): Embargo {
  guard(e, 'propose');
  if (p.isPublic) refuse(e, 'propose', 'The details or an exploit are already public: an embargo can no longer protect anything.');
  const end = checkEmbargoEnd(p.endAt, p.now, p.maxDays);
  const at = p.now.toISOString();
  return {
    ...e,
    state: e.state === 'none' || e.state === 'proposed' ? 'proposed' : 'revise',
    proposed_end_at: end,
    proposed_by: p.by,
    proposed_at: at,
    accepted_by: [p.by],
  };
}

/**
 * Records `by`'s acceptance; once every participant in `required` has
 * accepted, the proposal takes effect (proposed → active, revise → active
 * with the new end). A proposal whose end has passed meanwhile is refused.
 */
export function acceptEmbargo(e: Embargo, by: string, required: readonly string[], now: Date): Embargo {
  guard(e, 'accept');
  if (!required.includes(by)) {
    throw new DisclosureError('CASE_FORBIDDEN', 'Only the coordinator and the case\'s vendors accept embargoes.');
  }
  if (e.proposed_end_at === null || Date.parse(e.proposed_end_at) <= now.getTime()) {
    refuse(e, 'accept', 'The proposed end date has passed; propose a new one.');
  }
  const accepted_by = e.accepted_by.includes(by) ? e.accepted_by : [...e.accepted_by, by];
  const complete = required.every((r) => accepted_by.includes(r));
  if (!complete) return { ...e, accepted_by };
  return {
    ...e,
    state: 'active',
    end_at: e.proposed_end_at,
    started_at: e.state === 'proposed' ? now.toISOString() : e.started_at,
    proposed_end_at: null,
    proposed_by: null,
    proposed_at: null,
    accepted_by: [],
  };
}

/** A required participant turns the proposal down: proposed → none, revise → active with the old end. */
export function rejectEmbargo(e: Embargo, by: string, required: readonly string[]): Embargo {
  guard(e, 'reject');
  if (!required.includes(by)) throw new DisclosureError('CASE_FORBIDDEN', 'Only the coordinator and the case\'s vendors reject embargoes.');
  const cleared = { proposed_end_at: null, proposed_by: null, proposed_at: null, accepted_by: [] };
  return e.state === 'proposed' ? { ...e, ...cleared, state: 'none' } : { ...e, ...cleared, state: 'active' };
}

/**
 * Leaves the embargo: at its end (`ended`), by the coordinator's decision
 * (`terminated`), or because the details or an exploit went public. From
 * none/proposed a public fact only drops the proposal (nothing was in force).
 */
export function exitEmbargo(e: Embargo, reason: NonNullable<Embargo['exit_reason']>, now: Date): Embargo {
  if ((reason === 'public' || reason === 'exploit_public') && (e.state === 'none' || e.state === 'proposed')) {
    return { ...e, state: 'none', proposed_end_at: null, proposed_by: null, proposed_at: null, accepted_by: [] };
  }
  if (reason === 'public' || reason === 'exploit_public') {
    if (e.state === 'exited') return e;
  } else {
    guard(e, reason === 'ended' ? 'end' : 'terminate');
  }
  if (reason === 'ended' && (e.end_at === null || Date.parse(e.end_at) > now.getTime())) {
    refuse(e, 'end', `The embargo runs until ${e.end_at ?? '?'}; it cannot end earlier (agree on an earlier end, or terminate it as coordinator).`);
  }
  return { ...e, state: 'exited', exited_at: now.toISOString(), exit_reason: reason, proposed_end_at: null, proposed_by: null, proposed_at: null, accepted_by: [] };
}

/** True while an embargo holds back publication. */
export function embargoHolds(e: Embargo, now: Date): boolean {
  return (e.state === 'active' || e.state === 'revise') && e.end_at !== null && Date.parse(e.end_at) > now.getTime();
}
