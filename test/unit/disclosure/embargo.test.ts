import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptEmbargo, allowedEmbargoActions, checkEmbargoEnd, embargoHolds, exitEmbargo, proposeEmbargo, rejectEmbargo, type EmbargoAction } from '../../../src/disclosure/embargo.js';
import { allowedReportStates, nextReportState } from '../../../src/disclosure/report-state.js';
import { DisclosureError } from '../../../src/disclosure/errors.js';
import { EMBARGO_STATES, NO_EMBARGO, REPORT_STATES, type Embargo, type EmbargoState } from '../../../src/disclosure/types.js';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const IN_10_DAYS = '2026-05-11T12:00:00.000Z';
const IN_20_DAYS = '2026-05-21T12:00:00.000Z';
const REQUIRED = ['coord', 'v1', 'v2'];

function inState(state: EmbargoState): Embargo {
  const base = { ...NO_EMBARGO, state };
  if (state === 'proposed') return { ...base, proposed_end_at: IN_10_DAYS, proposed_by: 'coord', proposed_at: NOW.toISOString(), accepted_by: ['coord'] };
  if (state === 'active') return { ...base, end_at: IN_10_DAYS, started_at: NOW.toISOString() };
  if (state === 'revise') return { ...base, end_at: IN_10_DAYS, proposed_end_at: IN_20_DAYS, proposed_by: 'v1', accepted_by: ['v1'] };
  if (state === 'exited') return { ...base, end_at: IN_10_DAYS, exited_at: NOW.toISOString(), exit_reason: 'ended' };
  return base;
}

function attempt(e: Embargo, action: EmbargoAction): Embargo {
  switch (action) {
    case 'propose':
      return proposeEmbargo(e, { by: 'v1', endAt: IN_20_DAYS, now: NOW, maxDays: 90, isPublic: false });
    case 'accept':
      return acceptEmbargo(e, 'v2', REQUIRED, NOW);
    case 'reject':
      return rejectEmbargo(e, 'v2', REQUIRED);
    case 'terminate':
      return exitEmbargo(e, 'terminated', NOW);
    case 'end':
      return exitEmbargo(e, 'ended', new Date(Date.parse(IN_10_DAYS) + 1000));
  }
}

describe('embargo state machine', () => {
  const ACTIONS: EmbargoAction[] = ['propose', 'accept', 'reject', 'terminate', 'end'];
  for (const state of EMBARGO_STATES) {
    for (const action of ACTIONS) {
      const legal = allowedEmbargoActions(state).includes(action);
      it(`${state} --${action}--> ${legal ? 'allowed' : 'refused with a clear error'}`, () => {
        if (legal) {
          assert.doesNotThrow(() => attempt(inState(state), action));
        } else {
          assert.throws(() => attempt(inState(state), action), (err: unknown) => {
            assert.ok(err instanceof DisclosureError);
            assert.equal(err.code, 'EMBARGO_TRANSITION_INVALID');
            assert.equal(err.details?.state, state);
            assert.match(err.message, new RegExp(`state "${state}"`));
            return true;
          });
        }
      });
    }
  }

  it('becomes active only when every required participant has accepted', () => {
    let e = proposeEmbargo(NO_EMBARGO, { by: 'coord', endAt: IN_10_DAYS, now: NOW, maxDays: 90, isPublic: false });
    assert.equal(e.state, 'proposed');
    e = acceptEmbargo(e, 'v1', REQUIRED, NOW);
    assert.equal(e.state, 'proposed');
    assert.deepEqual(e.accepted_by, ['coord', 'v1']);
    e = acceptEmbargo(e, 'v1', REQUIRED, NOW);
    assert.equal(e.state, 'proposed', 'accepting twice counts once');
    e = acceptEmbargo(e, 'v2', REQUIRED, NOW);
    assert.equal(e.state, 'active');
    assert.equal(e.end_at, IN_10_DAYS);
    assert.ok(embargoHolds(e, NOW));
    assert.ok(!embargoHolds(e, new Date(IN_10_DAYS)), 'the embargo no longer holds at its end');
  });

  it('a counter-proposal resets the acceptances', () => {
    let e = proposeEmbargo(NO_EMBARGO, { by: 'coord', endAt: IN_10_DAYS, now: NOW, maxDays: 90, isPublic: false });
    e = acceptEmbargo(e, 'v1', REQUIRED, NOW);
    e = proposeEmbargo(e, { by: 'v2', endAt: IN_20_DAYS, now: NOW, maxDays: 90, isPublic: false });
    assert.deepEqual(e.accepted_by, ['v2']);
    assert.equal(e.proposed_end_at, IN_20_DAYS);
  });

  it('a revision changes the end only once accepted; a rejected revision keeps the old end', () => {
    const active = inState('active');
    const revise = proposeEmbargo(active, { by: 'v1', endAt: IN_20_DAYS, now: NOW, maxDays: 90, isPublic: false });
    assert.equal(revise.state, 'revise');
    assert.equal(revise.end_at, IN_10_DAYS);
    assert.ok(embargoHolds(revise, NOW), 'the agreed embargo still holds during a revision');
    const back = rejectEmbargo(revise, 'coord', REQUIRED);
    assert.equal(back.state, 'active');
    assert.equal(back.end_at, IN_10_DAYS);
    let done = acceptEmbargo(revise, 'coord', REQUIRED, NOW);
    done = acceptEmbargo(done, 'v2', REQUIRED, NOW);
    assert.equal(done.state, 'active');
    assert.equal(done.end_at, IN_20_DAYS);
  });

  it('refuses ends in the past, without a zone, or beyond the maximum', () => {
    for (const bad of ['2026-04-30T12:00:00Z', '2026-05-11T12:00:00', 'tomorrow', '2026-08-01T12:00:00Z']) {
      assert.throws(() => checkEmbargoEnd(bad, NOW, 90), (err: unknown) => err instanceof DisclosureError && err.code === 'EMBARGO_END_INVALID', bad);
    }
    assert.equal(checkEmbargoEnd('2026-07-30T12:00:00+00:00', NOW, 90), '2026-07-30T12:00:00.000Z');
    assert.throws(() => checkEmbargoEnd('2026-05-12T12:00:00Z', NOW, 10), /at most 10 days/);
  });

  it('cannot start once the details are public, and exits at once when they become public', () => {
    assert.throws(() => proposeEmbargo(NO_EMBARGO, { by: 'coord', endAt: IN_10_DAYS, now: NOW, maxDays: 90, isPublic: true }), /already public/);
    const exited = exitEmbargo(inState('active'), 'exploit_public', NOW);
    assert.equal(exited.state, 'exited');
    assert.equal(exited.exit_reason, 'exploit_public');
    assert.equal(exitEmbargo(inState('proposed'), 'public', NOW).state, 'none', 'a proposal is dropped');
    assert.equal(exitEmbargo(exited, 'public', NOW), exited, 'exited stays exited');
  });

  it('does not end before its end date, and only required participants accept or reject', () => {
    assert.throws(() => exitEmbargo(inState('active'), 'ended', NOW), /cannot end earlier/);
    assert.throws(() => acceptEmbargo(inState('proposed'), 'reporter', REQUIRED, NOW), (err: unknown) => err instanceof DisclosureError && err.code === 'CASE_FORBIDDEN');
    assert.throws(() => rejectEmbargo(inState('proposed'), 'reporter', REQUIRED), (err: unknown) => err instanceof DisclosureError && err.code === 'CASE_FORBIDDEN');
    assert.throws(() => acceptEmbargo(inState('proposed'), 'v1', REQUIRED, new Date(IN_20_DAYS)), /has passed/);
  });
});

describe('report management states', () => {
  for (const from of REPORT_STATES) {
    for (const to of REPORT_STATES) {
      const legal = allowedReportStates(from).includes(to);
      it(`${from} → ${to}: ${legal ? 'allowed' : 'refused'}`, () => {
        if (legal) assert.equal(nextReportState(from, to), to);
        else assert.throws(() => nextReportState(from, to), (err: unknown) => err instanceof DisclosureError && err.code === 'REPORT_STATE_INVALID' && err.details?.from === from);
      });
    }
  }
  it('follows Vultron RM', () => {
    assert.deepEqual(allowedReportStates('received'), ['valid', 'invalid']);
    assert.deepEqual(allowedReportStates('closed'), []);
  });
});
