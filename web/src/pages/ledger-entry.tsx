import { useEffect, useMemo, useState } from 'react';
import type { LogEntry } from '../../../src/http/api-types.js';
import { Alert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { JsonView } from '../components/json-view.js';
import { Card, DataState, DefinitionList, PageHeader } from '../components/page.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { useOrgNames, type OrgRef } from '../use-org-names.js';
import { decodeBase64, encodeBase64, sha256, toHex } from '../verify/bytes.js';
import { leafHash } from '../verify/merkle.js';
import { decodeEntry, type DecodedEntry } from '../ledger/entries.js';
import { KindPill, OrgName, eventTone } from '../ledger/entry-summary.js';
import { VerifyInclusionPanel } from '../ledger/verify-panel.js';

/** One log entry: its decoded content, its hashes, and the in-browser inclusion check. */
export function LedgerEntryPage({ index: param }: { index: string }) {
  const index = /^\d+$/.test(param) ? Number(param) : null;
  const entry = useApi<LogEntry>(index === null ? null : `/api/v1/log/entries/${index}`);
  if (index === null) {
    return (
      <Alert kind="error" title="Not an entry index">
        <span data-testid="problem-detail">“{param}” is not a log index; indexes are whole numbers from 0.</span>
      </Alert>
    );
  }
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/ledger">Ledger</Link>
        <span aria-hidden="true">›</span>
        <Link to={`/ledger/entries?before=${index + 13}`}>Entries</Link>
        <span aria-hidden="true">›</span>
        <span>#{index}</span>
      </nav>
      <DataState data={entry.data} error={entry.error} loading={entry.loading}>
        {(e) => <Entry entry={e} />}
      </DataState>
    </>
  );
}

function Entry({ entry }: { entry: LogEntry }) {
  const data = useMemo(() => decodeBase64(entry.data), [entry.data]);
  const decoded = useMemo(() => (data ? decodeEntry(data) : null), [data]);
  const { names } = useOrgNames();
  const [computed, setComputed] = useState<string | null>(null);
  useEffect(() => {
    if (data) void leafHash(data).then((h) => setComputed(encodeBase64(h)), () => setComputed(null));
  }, [data]);

  return (
    <>
      <PageHeader
        title={
          <>
            Entry {entry.index} <KindPill kind={entry.kind} />
          </>
        }
        meta={
          <>
            <span className="meta-item">Added {dateTime(entry.added_at)}</span>
            <span className="meta-item">{data ? `${data.length} bytes` : 'undecodable data'}</span>
          </>
        }
        actions={
          <>
            {entry.index > 0 && (
              <Link to={`/ledger/entries/${entry.index - 1}`} className="btn btn-sm">
                ← #{entry.index - 1}
              </Link>
            )}
            <Link to={`/ledger/entries/${entry.index + 1}`} className="btn btn-sm">
              #{entry.index + 1} →
            </Link>
          </>
        }
      />
      <div className="layout-aside wide-aside entry-layout">
        <div className="layout-main stack">
          {decoded && <Content decoded={decoded} names={names} />}
          <Card title="Hashes">
            <DefinitionList
              items={[
                [
                  'Leaf hash',
                  <span className="hash-row">
                    <span className="mono" data-testid="leaf-hash">
                      {computed ?? '…'}
                    </span>
                    {computed && <CopyButton text={computed} />}
                  </span>,
                ],
                [
                  'As the server states it',
                  computed === null ? (
                    <span className="muted">…</span>
                  ) : computed === entry.leaf_hash ? (
                    <span className="text-green">✓ matches the hash computed here</span>
                  ) : (
                    <span className="text-red">✗ the server states {entry.leaf_hash}</span>
                  ),
                ],
                ['Entry SHA-256', <EntryDigest data={data} />],
              ]}
            />
            <p className="card-note card-note-flush">Leaf hash = SHA-256(0x00 ‖ entry bytes), RFC 6962 §2.1, computed in this browser.</p>
          </Card>
        </div>
        <div className="layout-side stack">
          <Card title="Verify inclusion in the browser" className="action-card">
            <VerifyInclusionPanel index={entry.index} data={data} />
          </Card>
        </div>
      </div>
    </>
  );
}

function EntryDigest({ data }: { data: Uint8Array | undefined }) {
  const [hex, setHex] = useState<string | null>(null);
  useEffect(() => {
    if (data) void sha256(data).then((d) => setHex(toHex(d)), (err: unknown) => setHex(err instanceof Error ? err.message : String(err)));
  }, [data]);
  return <span className="mono small">{hex ?? '…'}</span>;
}

function Content({ decoded, names }: { decoded: DecodedEntry; names: Map<string, OrgRef> }) {
  switch (decoded.type) {
    case 'registry': {
      const e = decoded.entry.event;
      return (
        <>
          <Card title="Registry decision">
            <DefinitionList
              items={[
                ['Event', <span className={`event-tag tone-${eventTone(e.type)}`}>{e.type}</span>],
                ['At', <span className="tnum">{dateTime(e.at)}</span>],
                [
                  'Subject',
                  <>
                    <span className="muted">{e.subject_type} </span>
                    {e.subject_type === 'org' ? <OrgName id={e.subject_id} names={names} /> : <span className="mono">{e.subject_id}</span>}
                  </>,
                ],
                ['Decided by', e.actor_org_id ? <OrgName id={e.actor_org_id} names={names} /> : <span className="muted">system</span>],
                ['Reason', e.reason ?? <span className="muted">—</span>],
                ['Audit event', <span className="tnum">#{e.id}</span>],
              ]}
            />
          </Card>
          <Card title="Entry content (canonical JSON, shown indented)">
            <JsonView value={decoded.json} label="Entry JSON" />
          </Card>
        </>
      );
    }
    case 'release': {
      const r = decoded.release;
      return (
        <>
          <Card title="Release statement">
            <DefinitionList
              items={[
                ['Package', r.purls.length > 0 ? <span className="mono">{r.purls.join(', ')}</span> : <span className="muted">no purl</span>],
                ['Predicate', <span className="mono small">{r.predicateType ?? '—'}</span>],
                ['Signatures', `${r.signatures} (key ${r.keyIds.map((k) => k.slice(0, 16)).join(', ') || 'hint missing'})`],
              ]}
            />
            <table className="table table-inner" aria-label="Subjects">
              <thead>
                <tr>
                  <th>Subject</th>
                  <th>SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {r.subjects.map((s, i) => (
                  <tr key={i}>
                    <td className="mono">{s.name ?? s.uri ?? '—'}</td>
                    <td className="mono small">{s.sha256 ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="card-note card-note-flush">
              The statement’s signatures are not checked on this page: that needs the signatory’s key from the trust file (<code>accord verify</code>).
            </p>
          </Card>
          <Card title="in-toto statement (decoded payload)">
            <JsonView value={r.statement} label="Statement JSON" />
          </Card>
          <Card title="DSSE envelope (the entry)">
            <JsonView value={decoded.json} label="Entry JSON" maxHeight={260} />
          </Card>
        </>
      );
    }
    case 'json':
      return (
        <Card title="Entry content (JSON)">
          <JsonView value={decoded.json} label="Entry JSON" />
        </Card>
      );
    case 'text':
      return (
        <Card title="Entry content (text)">
          <pre className="json">{decoded.text}</pre>
        </Card>
      );
    case 'binary':
      return (
        <Card title="Entry content">
          <p className="muted">Binary data; its bytes are shown by the hashes below.</p>
        </Card>
      );
  }
}
