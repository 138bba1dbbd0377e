import { useState, type ReactNode } from 'react';
import { toProblem } from '../api.js';
import { CopyButton } from '../components/copy-button.js';
import { DefinitionList } from '../components/page.js';
import { Link } from '../router.js';
import { entryBytes, fetchEntry } from '../ledger/log-client.js';
import { checkIntelEntry, type CommitmentCheck } from './commitment.js';
import type { IntelObjectView } from './types.js';

/**
 * Where the object's latest version sits in the public log, and how a reader
 * checks it: CLEAR objects are logged as they are; every other level as a
 * salted commitment, whose salt only those who may read the object get.
 */
export function LedgerBox({ view }: { view: IntelObjectView }) {
  const ledger = view.ledger;
  const [check, setCheck] = useState<CommitmentCheck | { ok: null } | null>(null);
  if (!ledger) {
    return (
      <p className="muted small" data-testid="ledger-pending">
        Not in the log yet: new versions are appended within seconds. Reload the page to see the entry.
      </p>
    );
  }
  const run = async () => {
    setCheck({ ok: null });
    try {
      const entry = await fetchEntry(ledger.index);
      setCheck(await checkIntelEntry(entryBytes(entry), view.object, ledger.salt));
    } catch (err) {
      setCheck({ ok: false, detail: toProblem(err).detail });
    }
  };
  const committed = ledger.salt !== null;
  return (
    <div className="stack" data-testid="ledger-box">
      <DefinitionList
        items={[
          [
            'Log index',
            <span className="ledger-index">
              <Link to={`/ledger/entries/${ledger.index}`} className="entry-index" data-testid="ledger-index">
                #{ledger.index}
              </Link>
              <span className="ledger-links small">
                <a href={ledger.entry_url}>entry</a>
                <span aria-hidden="true"> · </span>
                <a href={ledger.proof_url}>inclusion proof</a>
              </span>
            </span>,
          ],
          ['Entry holds', committed ? <span>a salted commitment (SHA-256)</span> : <span>the object itself (TLP:CLEAR)</span>],
          ...(ledger.salt !== null
            ? ([
                [
                  'Salt',
                  <span className="hash-row">
                    <span className="mono small" data-testid="ledger-salt">
                      {ledger.salt}
                    </span>
                    <CopyButton text={ledger.salt} />
                  </span>,
                ],
              ] as [string, ReactNode][])
            : []),
        ]}
      />
      {committed ? (
        <p className="ledger-note" data-testid="ledger-note">
          The log is public, so for a non-CLEAR object it holds only SHA-256(salt ‖ canonical JSON of the object), never the content. The salt is shown
          to you because you may read the object: with it you can check that this entry commits to exactly this version.
        </p>
      ) : (
        <p className="ledger-note" data-testid="ledger-note">
          TLP:CLEAR objects are logged in the clear: the entry contains the object’s canonical JSON.
        </p>
      )}
      <div className="button-row">
        <button type="button" className="btn btn-sm" onClick={() => void run()} disabled={check?.ok === null}>
          {committed ? 'Check the commitment here' : 'Check the entry here'}
        </button>
        <Link to={`/ledger/entries/${ledger.index}`} className="btn btn-sm btn-ghost">
          Verify inclusion →
        </Link>
      </div>
      {check && check.ok !== null && (
        <div className={`check-result ${check.ok ? 'text-green' : 'text-red'}`} role="status" data-testid="commitment-check">
          <strong>{check.ok ? '✓ The entry matches this object' : '✗ The entry does not match'}</strong>
          <span className="check-detail">{check.detail}</span>
        </div>
      )}
    </div>
  );
}
