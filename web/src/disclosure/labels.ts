/**
 * Words, colours and rules of the disclosure model as the console shows them.
 * Records keyed by the API's unions, so a new fact, state or status in the API
 * fails the type check here instead of showing up unlabelled. The rules
 * (who may assert which fact, which report state follows which) mirror
 * src/disclosure/*: the console only hides buttons the server would refuse.
 */
import type { CaseFact, EmbargoState, NotAffectedJustification, ParticipantKind, ReportState, VendorStatusValue } from '../../../src/http/api-types.js';

export const FACT_LABELS: Record<CaseFact, string> = {
  vendor_aware: 'Vendor aware',
  fix_ready: 'Fix ready',
  fix_deployed: 'Fix deployed',
  public: 'Public',
  exploit_public: 'Exploit public',
  attacks_observed: 'Attacks observed',
};

export const FACT_HINTS: Record<CaseFact, string> = {
  vendor_aware: 'At least one vendor knows of the vulnerability.',
  fix_ready: 'A fix exists (not necessarily deployed).',
  fix_deployed: 'The fix has reached users.',
  public: 'The details are public. Ends any embargo at once.',
  exploit_public: 'An exploit is public. Ends any embargo at once.',
  attacks_observed: 'Attacks using the vulnerability have been seen.',
};

export const FACTS = Object.keys(FACT_LABELS) as CaseFact[];

/** Facts that are bad news: drawn in red once true. */
export const ALARM_FACTS = new Set<CaseFact>(['public', 'exploit_public', 'attacks_observed']);

/** Facts each kind of participant may assert (src/disclosure/service.ts FACTS_BY_KIND). */
export const FACTS_BY_KIND: Record<ParticipantKind, readonly CaseFact[]> = {
  coordinator: FACTS,
  vendor: ['fix_ready', 'fix_deployed', 'public', 'exploit_public', 'attacks_observed'],
  reporter: ['public', 'exploit_public', 'attacks_observed'],
  stakeholder: ['public', 'exploit_public', 'attacks_observed'],
};

export const KIND_LABELS: Record<ParticipantKind, string> = {
  coordinator: 'Coordinator',
  vendor: 'Vendor',
  reporter: 'Reporter',
  stakeholder: 'Stakeholder',
};

export const KIND_TONE: Record<ParticipantKind, string> = {
  coordinator: 'purple',
  vendor: 'blue',
  reporter: 'amber',
  stakeholder: 'gray',
};

export const REPORT_STATE_TONE: Record<ReportState, string> = {
  received: 'blue',
  valid: 'purple',
  invalid: 'red',
  accepted: 'green',
  deferred: 'amber',
  closed: 'gray',
};

/** Report management (src/disclosure/report-state.ts). */
export const NEXT_REPORT_STATES: Record<ReportState, readonly ReportState[]> = {
  received: ['valid', 'invalid'],
  valid: ['accepted', 'deferred'],
  invalid: ['valid', 'closed'],
  accepted: ['deferred', 'closed'],
  deferred: ['accepted', 'closed'],
  closed: [],
};

export const EMBARGO_LABELS: Record<EmbargoState, string> = {
  none: 'No embargo',
  proposed: 'Proposed',
  active: 'Active',
  revise: 'Active · revision proposed',
  exited: 'Ended',
};

export const EMBARGO_TONE: Record<EmbargoState, string> = {
  none: 'gray',
  proposed: 'amber',
  active: 'blue',
  revise: 'amber',
  exited: 'gray',
};

/** The embargo state machine's moves (src/disclosure/embargo.ts). */
export const EMBARGO_ACTIONS: Record<EmbargoState, readonly ('propose' | 'accept' | 'reject' | 'terminate')[]> = {
  none: ['propose'],
  proposed: ['propose', 'accept', 'reject'],
  active: ['propose', 'terminate'],
  revise: ['propose', 'accept', 'reject', 'terminate'],
  exited: [],
};

export const EXIT_REASONS: Record<string, string> = {
  ended: 'ended as agreed',
  public: 'ended: the details became public',
  exploit_public: 'ended: an exploit became public',
  terminated: 'terminated by the coordinator',
};

export const STATUS_LABELS: Record<VendorStatusValue, string> = {
  affected: 'Affected',
  not_affected: 'Not affected',
  under_investigation: 'Under investigation',
  fixed: 'Fixed',
};

export const STATUS_TONE: Record<VendorStatusValue, string> = {
  affected: 'red',
  not_affected: 'gray',
  under_investigation: 'amber',
  fixed: 'green',
};

export const VENDOR_STATUSES = Object.keys(STATUS_LABELS) as VendorStatusValue[];

export const JUSTIFICATION_LABELS: Record<NotAffectedJustification, string> = {
  component_not_present: 'Component not present',
  vulnerable_code_not_present: 'Vulnerable code not present',
  vulnerable_code_cannot_be_controlled_by_adversary: 'Vulnerable code cannot be controlled by an adversary',
  vulnerable_code_not_in_execute_path: 'Vulnerable code not in execute path',
  inline_mitigations_already_exist: 'Inline mitigations already exist',
};

/** CVSS severities, most severe first; the advisory list's colours. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(s: string | null | undefined): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** CSAF 2.0 product status groups, with how the advisory page says them. */
export const PRODUCT_STATUS_LABELS: Record<string, { label: string; tone: string }> = {
  known_affected: { label: 'Affected', tone: 'red' },
  first_affected: { label: 'First affected', tone: 'red' },
  last_affected: { label: 'Last affected', tone: 'red' },
  fixed: { label: 'Fixed', tone: 'green' },
  first_fixed: { label: 'First fixed', tone: 'green' },
  recommended: { label: 'Recommended', tone: 'green' },
  known_not_affected: { label: 'Not affected', tone: 'gray' },
  under_investigation: { label: 'Under investigation', tone: 'amber' },
};

export const REMEDIATION_LABELS: Record<string, string> = {
  vendor_fix: 'Vendor fix',
  workaround: 'Workaround',
  mitigation: 'Mitigation',
  none_available: 'None available',
  no_fix_planned: 'No fix planned',
};
