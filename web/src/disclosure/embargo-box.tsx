import { useState, type FormEvent } from 'react';
import type { CaseView } from '../../../src/http/api-types.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { dateTime } from '../format.js';
import { EmbargoPill } from './badges.js';
import { Countdown } from './countdown.js';
import { EMBARGO_ACTIONS, EXIT_REASONS } from './labels.js';
import { useAction } from './use-action.js';
import type { CaseAct } from './use-case.js';

/** `2026-12-01T12:00` (a datetime-local value, read as UTC) → RFC 3339. */
function utcFromInput(v: string): string {
  return `${v.length === 16 ? `${v}:00` : v}Z`;
}

function inputFromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/**
 * The embargo (Vultron EM): its state, end and countdown, who accepted the
 * proposal on the table against who must, and the moves the viewer may make.
 */
export function EmbargoBox({ view, now, act, onChange }: { view: CaseView; now: number; act: CaseAct; onChange: () => void }) {
  const e = view.embargo;
  const open = view.status === 'open';
  const kinds = new Set(view.you.map((y) => y.kind));
  const mine = view.you.map((y) => y.participant_id);
  const myRequired = mine.find((id) => e.required_acceptors.includes(id)) ?? null;
  const allowed = open ? EMBARGO_ACTIONS[e.state] : [];
  const isPublic = view.facts.public !== null || view.facts.exploit_public !== null;
  const canPropose = allowed.includes('propose') && !isPublic && (kinds.has('coordinator') || kinds.has('vendor') || kinds.has('reporter'));
  const pending = e.state === 'proposed' || e.state === 'revise';
  const canAccept = allowed.includes('accept') && myRequired !== null && !e.accepted_by.includes(myRequired);
  const canReject = allowed.includes('reject') && myRequired !== null;
  const canTerminate = allowed.includes('terminate') && kinds.has('coordinator');
  const nameOf = (id: string | null) => view.participants.find((p) => p.id === id)?.name ?? 'a participant';
  const holds = (e.state === 'active' || e.state === 'revise') && e.end_at !== null;

  const maxMs = now + e.max_days * 86_400_000;
  const [end, setEnd] = useState(() => inputFromMs(Math.min(maxMs, Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 45, 12))));
  const [confirmTerminate, setConfirmTerminate] = useState(false);
  const action = useAction();

  const post = (path: string, body?: unknown, success?: string) =>
    void action.run(async () => {
      await act('POST', `/embargo/${path}`, body);
      setConfirmTerminate(false);
      onChange();
    }, success);

  const propose = (ev: FormEvent) => {
    ev.preventDefault();
    post('propose', { end_at: utcFromInput(end) }, e.state === 'none' || e.state === 'proposed' ? 'Proposal sent.' : 'Revision proposed.');
  };

  return (
    <section className={`embargo-box embargo-${e.state}`} aria-label="Embargo" data-testid="embargo-box">
      <div className="embargo-head">
        <div className="embargo-title">
          <h2 className="card-title">Embargo</h2>
          <EmbargoPill embargo={e} />
        </div>
        {holds && <Countdown end={e.end_at!} now={now} large />}
      </div>
      <div className="embargo-body">
        {e.state === 'none' && <p className="muted small">No embargo is agreed. Until one is, nothing holds publication back.</p>}
        {holds && (
          <div className="embargo-facts">
            <span>
              Ends <strong className="tnum" data-testid="embargo-end">{dateTime(e.end_at)}</strong>
            </span>
            {e.started_at && <span className="muted">agreed {dateTime(e.started_at)}</span>}
          </div>
        )}
        {e.state === 'exited' && (
          <p className="small">
            {EXIT_REASONS[e.exit_reason ?? ''] ?? 'Ended'} on <strong>{dateTime(e.exited_at)}</strong>
            {e.end_at && <span className="muted"> (agreed end {dateTime(e.end_at)})</span>}.
          </p>
        )}

        {pending && e.proposed_end_at && (
          <div className="proposal" data-testid="embargo-proposal">
            <div className="proposal-line">
              <span className="proposal-label">{e.state === 'revise' ? 'Revision' : 'Proposal'}</span>
              end <strong className="tnum">{dateTime(e.proposed_end_at)}</strong>
              <span className="muted">
                by {nameOf(e.proposed_by)}
                {e.proposed_at && `, ${dateTime(e.proposed_at)}`}
              </span>
            </div>
            <div className="acceptors" aria-label="Acceptances">
              <span className="acceptors-count tnum" data-testid="acceptance-count">
                {e.accepted_by.filter((id) => e.required_acceptors.includes(id)).length} of {e.required_acceptors.length} accepted
              </span>
              <ul className="acceptor-list">
                {e.required_acceptors.map((id) => {
                  const ok = e.accepted_by.includes(id);
                  return (
                    <li key={id} className={`acceptor ${ok ? 'acceptor-ok' : 'acceptor-wait'}`} data-accepted={ok}>
                      <span aria-hidden="true">{ok ? '✓' : '…'}</span> {nameOf(id)}
                      {mine.includes(id) && <span className="badge badge-you">you</span>}
                      <span className="sr-only">{ok ? ' accepted' : ' has not accepted yet'}</span>
                    </li>
                  );
                })}
              </ul>
            </div>
            {(canAccept || canReject) && (
              <div className="button-row">
                {canAccept && (
                  <button type="button" className="btn btn-sm btn-primary" disabled={action.busy} onClick={() => post('accept', undefined, 'Accepted.')}>
                    Accept {e.state === 'revise' ? 'revision' : 'embargo'}
                  </button>
                )}
                {canReject && (
                  <button type="button" className="btn btn-sm btn-danger-outline" disabled={action.busy} onClick={() => post('reject', undefined, 'Rejected.')}>
                    Reject
                  </button>
                )}
              </div>
            )}
            {myRequired === null && open && <p className="muted small proposal-note">The coordinator and the vendors accept embargoes; the proposal takes effect when all of them have.</p>}
          </div>
        )}

        {canPropose && (
          <form className="propose-form" onSubmit={propose} aria-label="Propose an embargo end">
            <label className="toolbar-select">
              <span className="toolbar-label">{e.state === 'active' || e.state === 'revise' ? 'Propose a new end (UTC)' : pending ? 'Counter-propose an end (UTC)' : 'Propose an end (UTC)'}</span>
              <input
                className="input"
                type="datetime-local"
                value={end}
                min={inputFromMs(now)}
                max={inputFromMs(maxMs)}
                onChange={(ev) => setEnd(ev.target.value)}
                aria-describedby="embargo-max-hint"
                required
              />
            </label>
            <button type="submit" className="btn btn-sm" disabled={action.busy || !end}>
              Propose
            </button>
            <span id="embargo-max-hint" className="muted small">
              At most {e.max_days} days: until {dateTime(new Date(maxMs).toISOString())}.
            </span>
          </form>
        )}

        {canTerminate && (
          <div className="terminate-row">
            {confirmTerminate ? (
              <Alert
                kind="warning"
                title="End the embargo now?"
                actions={
                  <div className="button-row">
                    <button type="button" className="btn btn-sm btn-danger" disabled={action.busy} onClick={() => post('terminate', undefined, 'Embargo terminated.')}>
                      Terminate now
                    </button>
                    <button type="button" className="btn btn-sm" onClick={() => setConfirmTerminate(false)}>
                      Cancel
                    </button>
                  </div>
                }
              >
                Every participant is told at once, and a scheduled advisory is published.
              </Alert>
            ) : (
              <button type="button" className="btn btn-sm btn-danger-outline" onClick={() => setConfirmTerminate(true)}>
                Terminate embargo…
              </button>
            )}
          </div>
        )}
        {action.problem && <ProblemAlert problem={action.problem} />}
        {action.done && !action.problem && (
          <p className="action-done" role="status">
            ✓ {action.done}
          </p>
        )}
      </div>
    </section>
  );
}
