import type { Vote, VotingRule } from './types.js';

export interface Tally {
  eligible: number;
  cast: number;
  yes: number;
  no: number;
  abstain: number;
  quorum_met: boolean;
  majority_met: boolean;
  admitted: boolean;
}

/**
 * Counts a vote. Quorum: votes cast (abstentions included) ≥ quorum × eligible.
 * Majority: yes / (yes + no) > majority (≥ when majority is 1, i.e. unanimity).
 * No votes at all, or only abstentions, never admit.
 */
export function tally(votes: readonly Pick<Vote, 'choice'>[], eligible: number, rule: VotingRule): Tally {
  let yes = 0;
  let no = 0;
  let abstain = 0;
  for (const v of votes) {
    if (v.choice === 'yes') yes++;
    else if (v.choice === 'no') no++;
    else abstain++;
  }
  const cast = yes + no + abstain;
  const quorum_met = eligible > 0 && cast >= Math.ceil(rule.quorum * eligible - 1e-9);
  const decisive = yes + no;
  const share = decisive === 0 ? 0 : yes / decisive;
  const majority_met = decisive > 0 && (rule.majority >= 1 ? share >= 1 : share > rule.majority);
  return { eligible, cast, yes, no, abstain, quorum_met, majority_met, admitted: quorum_met && majority_met };
}

/** Checks a voting rule's numbers; returns the problems (empty when valid). */
export function votingRuleProblems(rule: VotingRule): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!Number.isInteger(rule.sponsors_needed) || rule.sponsors_needed < 0 || rule.sponsors_needed > 50)
    out.push({ path: '/sponsors_needed', message: 'must be a whole number from 0 to 50' });
  if (!(rule.quorum > 0 && rule.quorum <= 1)) out.push({ path: '/quorum', message: 'must be more than 0 and at most 1' });
  if (!(rule.majority >= 0.5 && rule.majority <= 1)) out.push({ path: '/majority', message: 'must be from 0.5 to 1' });
  if (!Number.isInteger(rule.voting_days) || rule.voting_days < 1 || rule.voting_days > 90)
    out.push({ path: '/voting_days', message: 'must be a whole number of days from 1 to 90' });
  return out;
}
