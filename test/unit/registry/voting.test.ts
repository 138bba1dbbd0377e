import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tally, votingRuleProblems } from '../../../src/registry/voting.js';
import type { VoteChoice } from '../../../src/registry/types.js';

const votes = (...c: VoteChoice[]) => c.map((choice) => ({ choice }));
const rule = { sponsors_needed: 1, quorum: 0.5, majority: 0.5, voting_days: 14 };

describe('tally', () => {
  it('admits on quorum and a strict majority of yes over yes+no', () => {
    assert.equal(tally(votes('yes', 'yes', 'no'), 5, rule).admitted, true);
    assert.equal(tally(votes('yes', 'no'), 4, rule).admitted, false, 'a tie is not a majority');
    assert.equal(tally(votes('yes', 'no', 'abstain', 'abstain'), 4, rule).majority_met, false);
  });
  it('counts abstentions towards quorum but not majority', () => {
    const t = tally(votes('yes', 'abstain', 'abstain'), 6, rule);
    assert.equal(t.quorum_met, true);
    assert.equal(t.majority_met, true);
    assert.deepEqual([t.yes, t.no, t.abstain, t.cast], [1, 0, 2, 3]);
  });
  it('rounds quorum up and never admits with nobody eligible or only abstentions', () => {
    assert.equal(tally(votes('yes', 'yes'), 5, rule).quorum_met, false, '2 of 5 is below half');
    assert.equal(tally(votes('yes', 'yes', 'yes'), 5, rule).quorum_met, true);
    assert.equal(tally(votes(), 0, rule).admitted, false);
    assert.equal(tally(votes('abstain', 'abstain'), 2, rule).admitted, false);
  });
  it('treats majority 1 as unanimity', () => {
    const unanimous = { ...rule, majority: 1 };
    assert.equal(tally(votes('yes', 'yes'), 2, unanimous).admitted, true);
    assert.equal(tally(votes('yes', 'yes', 'no'), 3, unanimous).admitted, false);
  });
  it('supermajorities', () => {
    const twoThirds = { ...rule, majority: 2 / 3 };
    assert.equal(tally(votes('yes', 'yes', 'no'), 3, twoThirds).admitted, false, 'exactly two thirds is not more than');
    assert.equal(tally(votes('yes', 'yes', 'yes', 'no'), 4, twoThirds).admitted, true);
  });
});

describe('votingRuleProblems', () => {
  it('accepts sane rules and names each bad field', () => {
    assert.deepEqual(votingRuleProblems(rule), []);
    const bad = votingRuleProblems({ sponsors_needed: -1, quorum: 0, majority: 0.4, voting_days: 0.5 });
    assert.deepEqual(bad.map((p) => p.path).sort(), ['/majority', '/quorum', '/sponsors_needed', '/voting_days']);
  });
});
