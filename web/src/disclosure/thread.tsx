import { useState, type FormEvent } from 'react';
import type { CaseView } from '../../../src/http/api-types.js';
import { ProblemAlert } from '../components/alert.js';
import { dateTime } from '../format.js';
import { KindPill } from './badges.js';
import { useAction } from './use-action.js';
import type { CaseAct } from './use-case.js';

/**
 * The case's private thread. Bodies are whatever participants wrote —
 * attacker-controlled for an anonymous report — and are only ever rendered
 * as text (React escapes it; line breaks kept by CSS).
 */
export function Thread({ view, act, onChange }: { view: CaseView; act: CaseAct; onChange: () => void }) {
  const mine = new Set(view.you.map((y) => y.participant_id));
  const byId = new Map(view.participants.map((p) => [p.id, p]));
  const [body, setBody] = useState('');
  const action = useAction();

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!body.trim()) return;
    void action.run(async () => {
      await act('POST', '/messages', { body });
      setBody('');
      onChange();
    });
  };

  return (
    <div className="thread">
      {view.messages.length === 0 ? (
        <p className="muted small">No messages yet.</p>
      ) : (
        <ol className="messages" aria-label="Messages" data-testid="messages">
          {view.messages.map((m) => {
            const p = byId.get(m.participant_id);
            return (
              <li key={m.id} className={`message ${mine.has(m.participant_id) ? 'message-mine' : ''}`} data-testid="message">
                <div className="message-head">
                  <strong className="message-author">{m.author}</strong>
                  {p && <KindPill kind={p.kind} />}
                  <time className="message-time tnum" dateTime={m.created_at}>
                    {dateTime(m.created_at)}
                  </time>
                </div>
                <div className="message-body" data-testid="message-body">
                  {m.body}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {view.status === 'open' ? (
        <form className="message-form" onSubmit={submit} aria-label="Write to the thread">
          <label className="sr-only" htmlFor="message-body">
            Message
          </label>
          <textarea
            id="message-body"
            className="input textarea"
            rows={3}
            maxLength={20_000}
            value={body}
            placeholder="Write to every participant of the case… (Ctrl+Enter sends)"
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
            }}
          />
          {action.problem && <ProblemAlert problem={action.problem} />}
          <div className="button-row">
            <button type="submit" className="btn btn-sm btn-primary" disabled={action.busy || !body.trim()}>
              {action.busy ? 'Posting…' : 'Post message'}
            </button>
            <span className="muted small">Every participant of the case reads the thread.</span>
          </div>
        </form>
      ) : (
        <p className="muted small">The case is closed; the thread is read-only.</p>
      )}
    </div>
  );
}
