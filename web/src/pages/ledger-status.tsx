import { useMemo, type ReactNode } from 'react';
import { ProblemAlert, Alert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { Card, DefinitionList, Loading, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import { useOrgNames } from '../use-org-names.js';
import { encodeBase64 } from '../verify/bytes.js';
import type { SignedCheckpoint } from '../verify/checkpoint.js';
import { decodeCosignature, type NoteSignature } from '../verify/note.js';
import { EntryTable } from '../ledger/entry-table.js';
import { KindChart } from '../ledger/kind-chart.js';
import { ago, useCheckpoint, useNow, type CheckpointFeed } from '../ledger/use-checkpoint.js';
import { useEntryRange } from '../ledger/use-entries.js';
import { rememberedVerifierKey } from '../ledger/vkey.js';

const POLL_MS = 5000;
const RECENT = 8;

/** The log's name as this browser knows it: the key the user verified with, else the origin (the log signs under its origin by convention). */
function logKeyName(cp: SignedCheckpoint): string {
  const name = /^([^+\s]+)\+[0-9a-f]{8}\+/.exec(rememberedVerifierKey())?.[1];
  return name && cp.note.signatures.some((s) => s.name === name) ? name : cp.origin;
}

export function LedgerStatusPage() {
  const feed = useCheckpoint(POLL_MS);
  const cp = feed.checkpoint;
  return (
    <>
      <PageHeader
        title="Transparency log"
        subtitle="Every registry decision and release statement, appended to one Merkle tree whose signed checkpoints anyone can check. This page reads the public log API and parses and checks what it gets in your browser."
        meta={
          cp && (
            <>
              <span className="meta-item mono" data-testid="log-origin">
                {cp.origin}
              </span>
              <span className="meta-item live-indicator">
                <span className="live-dot" aria-hidden="true" />
                live · refreshes every {POLL_MS / 1000} s
              </span>
            </>
          )
        }
        actions={
          <>
            <a className="btn btn-sm" href="/log/checkpoint">
              Raw checkpoint
            </a>
            <button type="button" className="btn btn-sm" onClick={feed.refresh}>
              Refresh now
            </button>
          </>
        }
      />
      {feed.error && <ProblemAlert problem={feed.error} />}
      {feed.consistency.failure && (
        <Alert kind="error" title="The log’s history does not add up">
          <span data-testid="consistency-failure">{feed.consistency.failure}</span>
        </Alert>
      )}
      {!cp ? !feed.error && <Loading label="Fetching the latest checkpoint…" /> : <Status feed={feed} cp={cp} />}
    </>
  );
}

function Status({ feed, cp }: { feed: CheckpointFeed; cp: SignedCheckpoint }) {
  const now = useNow();
  const { names } = useOrgNames();
  const logName = logKeyName(cp);
  const witnesses = cp.note.signatures.filter((s) => s.name !== logName);
  const recent = useEntryRange(cp.size > 0 ? Math.max(0, cp.size - RECENT) : null, cp.size > 0 ? cp.size : null);
  const root = useMemo(() => encodeBase64(cp.rootHash), [cp]);
  const addedAt = feed.latest ? Date.parse(feed.latest.added_at) : null;

  return (
    <>
      <div className="stats stats-4" data-testid="log-stats">
        <div className="stat">
          <div className="stat-label">Tree size</div>
          <div className="stat-value" data-testid="tree-size">
            {cp.size.toLocaleString('en')}
          </div>
          <div className="stat-sub">entries in the signed tree</div>
        </div>
        <div className="stat">
          <div className="stat-label">Latest entry</div>
          <div className="stat-value" data-testid="updated-ago">
            {addedAt ? ago(addedAt, now) : '—'}
          </div>
          <div className="stat-sub">{feed.latest ? `#${feed.latest.index} added ${dateTime(feed.latest.added_at)}` : 'no entries yet'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Checked</div>
          <div className="stat-value">{feed.checkedAt ? ago(feed.checkedAt, now) : '—'}</div>
          <div className="stat-sub">checkpoint fetched and parsed here</div>
        </div>
        <div className="stat">
          <div className="stat-label">Append-only</div>
          <div className={`stat-value ${feed.consistency.failure ? 'text-red' : 'text-green'}`} data-testid="consistency-status">
            {feed.consistency.failure ? '✗ broken' : feed.consistency.verified > 0 ? `✓ ${feed.consistency.verified} proved` : '✓ watching'}
          </div>
          <div className="stat-sub">
            {feed.consistency.verified > 0
              ? `grew ${feed.consistency.since} → ${cp.size} while open`
              : `since size ${feed.consistency.since ?? cp.size}; growth is proved`}
          </div>
        </div>
      </div>

      <div className="layout-aside wide-aside">
        <div className="layout-main stack">
          <Card title="Latest checkpoint" actions={<CopyButton text={cp.raw} label="Copy note" />}>
            <DefinitionList
              items={[
                ['Origin', <span className="mono">{cp.origin}</span>],
                ['Tree size', <span className="tnum" data-testid="checkpoint-size">{cp.size}</span>],
                [
                  'Root hash',
                  <span className="hash-row">
                    <span className="mono" data-testid="root-hash">
                      {root}
                    </span>
                    <CopyButton text={root} />
                  </span>,
                ],
                ...(cp.extensions.length > 0 ? ([['Extensions', <span className="mono">{cp.extensions.join(' · ')}</span>]] as [ReactNode, ReactNode][]) : []),
              ]}
            />
            <div className="section-label">Signed note</div>
            <pre className="note-text" aria-label="Checkpoint note">
              <span className="note-body">{cp.note.text}</span>
              {'\n'}
              {cp.note.signatures.map((s, i) => (
                <span key={i} className={`note-sig ${s.name === logName ? 'note-sig-log' : 'note-sig-witness'}`}>
                  {s.line}
                  {'\n'}
                </span>
              ))}
            </pre>
          </Card>

          <Card title={`Signatures (${cp.note.signatures.length})`} flush>
            <table className="table" aria-label="Checkpoint signatures">
              <thead>
                <tr>
                  <th>Key name</th>
                  <th>Key ID</th>
                  <th>Type</th>
                  <th>Role</th>
                </tr>
              </thead>
              <tbody>
                {cp.note.signatures.map((s, i) => (
                  <tr key={i} data-testid="signature-row">
                    <td className="mono">{s.name}</td>
                    <td className="mono">{s.keyId}</td>
                    <td>{signatureType(s)}</td>
                    <td>{s.name === logName ? <Pill tone="blue">log</Pill> : <Pill tone="purple">witness</Pill>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="card-note">
              Parsed here, not verified: checking the log’s signature needs its key, which you supply on an entry’s page.
            </p>
          </Card>

          <Card
            title="Latest entries"
            flush
            actions={
              <Link to="/ledger/entries" className="btn btn-sm">
                Browse all entries
              </Link>
            }
          >
            {recent.error ? <ProblemAlert problem={recent.error} /> : <EntryTable entries={recent.entries} names={names} loading={recent.loading} label="Latest entries" />}
          </Card>
        </div>

        <div className="layout-side stack">
          <Card title="Witnesses">
            <Witnesses witnesses={witnesses} now={now} />
          </Card>
          <Card title={`Latest ${Math.min(cp.size, ((cp.size - 1) % 256) + 1)} entries by kind`}>
            <KindChart size={cp.size} />
          </Card>
          <Card title="Check it yourself">
            <ol className="steps">
              <li>
                Fetch <a href="/log/checkpoint">/log/checkpoint</a> and verify its signature with the log’s key (<code>log_vkey</code>).
              </li>
              <li>
                Pick an entry in <Link to="/ledger/entries">Entries</Link> and press <em>Verify inclusion in the browser</em>, or download its tlog-proof for{' '}
                <code>accord verify</code>.
              </li>
              <li>Tiles and entry bundles under /log/tile/ are immutable: cache and mirror them anywhere.</li>
            </ol>
          </Card>
        </div>
      </div>
    </>
  );
}

function signatureType(s: NoteSignature): string {
  const cosig = decodeCosignature(s);
  if (cosig) return `cosignature/v1 · ${new Date(cosig.timestamp * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  if (s.bytes.length === 64) return 'Ed25519';
  return `unknown (${s.bytes.length} bytes)`;
}

function Witnesses({ witnesses, now }: { witnesses: NoteSignature[]; now: number }) {
  if (witnesses.length === 0) {
    return (
      <p className="muted small" data-testid="no-witnesses">
        No witnesses configured: this checkpoint carries only the log’s own signature. Witnesses cosign checkpoints they have checked to be consistent
        with every earlier one they saw, so the log cannot show different histories to different readers.
      </p>
    );
  }
  return (
    <>
      <ul className="list" aria-label="Witness cosignatures">
        {witnesses.map((w, i) => {
          const cosig = decodeCosignature(w);
          return (
            <li key={i} className="list-row" data-testid="witness-row">
              <span>
                <span className="mono">{w.name}</span>
                <span className="cell-sub mono">key {w.keyId}</span>
              </span>
              <span className="muted small nowrap">{cosig ? `cosigned ${ago(cosig.timestamp * 1000, now)}` : `${w.bytes.length}-byte signature`}</span>
            </li>
          );
        })}
      </ul>
      <p className="card-note card-note-flush">Cosignature lines present in the checkpoint; this page lists them but does not check them (it has no witness keys).</p>
    </>
  );
}
