import { useEffect, useId, useState, type DragEvent } from 'react';
import type { Problem, ReleaseSearchPage } from '../../../src/http/api-types.js';
import { api, query, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { Card, Loading, PageHeader } from '../components/page.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import { VerifyError } from '../verify/errors.js';
import { formatBytes, sha256File } from '../verify/file-hash.js';
import type { InclusionReport } from '../verify/inclusion.js';
import { parseDsseEnvelope } from '../verify/dsse.js';
import { parseReleaseEntry, subjectsWithDigest, type ReleaseEntry } from '../verify/release-statement.js';
import { checkSigner, fetchTrustText, parseTrust, type SignerCheck, type Trust } from '../verify/trust.js';
import { checkEntryInclusion } from '../ledger/check-entry.js';
import { entryBytes, fetchEntry } from '../ledger/log-client.js';
import { VerifierKeyField, VerifySteps } from '../ledger/verify-panel.js';
import { useVerifierKey } from '../ledger/vkey.js';

type Item = ReleaseSearchPage['items'][number];

interface Hashed {
  name: string;
  size: number;
  sha256: string;
  ms: number;
}

/**
 * "Verify before install": hash a downloaded file here, find the releases in
 * the log that list that SHA-256, and check each one's inclusion in the
 * signed tree with the user's copy of the log key.
 */
export function ReleaseVerifyPage() {
  const [file, setFile] = useState<{ name: string; size: number } | null>(null);
  const [hashed, setHashed] = useState<Hashed | null>(null);
  const [hashError, setHashError] = useState<string | null>(null);
  const [vkey, setVkey, remember] = useVerifierKey();
  // The key the checks ran with: editing the field does not re-run them until asked.
  const [runKey, setRunKey] = useState(vkey);
  // A pasted trust file replaces the server's; like the key, it applies from the next run.
  const [trustText, setTrustText] = useState('');
  const [runTrust, setRunTrust] = useState('');
  const [run, setRun] = useState(0);

  const hash = async (f: File) => {
    setFile({ name: f.name, size: f.size });
    setHashed(null);
    setHashError(null);
    const t0 = performance.now();
    try {
      const sha256 = await sha256File(f);
      setHashed({ name: f.name, size: f.size, sha256, ms: performance.now() - t0 });
      setRunKey(vkey);
      setRunTrust(trustText);
      setRun((n) => n + 1);
      if (vkey.trim()) remember(vkey);
    } catch (err) {
      setHashError(err instanceof VerifyError ? err.message : `The file could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <>
      <PageHeader
        title="Verify a download"
        subtitle="Before you install an update, check that a signatory published exactly this file. The file is hashed in your browser and never uploaded; only its SHA-256 is sent to search the log."
      />
      <div className="layout-aside wide-aside">
        <div className="layout-main stack">
          <Card title="1 · The file you downloaded">
            <DropZone onFile={(f) => void hash(f)} busy={file !== null && hashed === null && hashError === null} />
            {hashError && (
              <Alert kind="error" title="Not hashed">
                <span data-testid="hash-error">{hashError}</span>
              </Alert>
            )}
            {file && !hashed && !hashError && <Loading label={`Hashing ${file.name} (${formatBytes(file.size)})…`} />}
            {hashed && (
              <div className="file-facts" data-testid="file-facts">
                <div className="file-name">
                  <span className="file-icon" aria-hidden="true">
                    ▤
                  </span>
                  <span className="mono">{hashed.name}</span>
                  <span className="muted small">
                    {formatBytes(hashed.size)} · hashed in {hashed.ms < 1000 ? `${Math.max(1, Math.round(hashed.ms))} ms` : `${(hashed.ms / 1000).toFixed(1)} s`}
                  </span>
                </div>
                <div className="hash-row">
                  <span className="hash-label">SHA-256</span>
                  <span className="mono hash-value" data-testid="file-sha256">
                    {hashed.sha256}
                  </span>
                  <CopyButton text={hashed.sha256} />
                </div>
              </div>
            )}
          </Card>
          {hashed && (
            <Card title="2 · Releases in the log that list this file">
              <Releases key={`${hashed.sha256} ${run}`} digest={hashed.sha256} vkey={runKey} trustText={runTrust} />
            </Card>
          )}
        </div>
        <div className="layout-side stack">
          <Card title="Your copy of the log’s key">
            <div className="stack">
              <VerifierKeyField value={vkey} onChange={setVkey} />
              <button
                type="button"
                className="btn"
                disabled={!hashed || !vkey.trim()}
                onClick={() => {
                  setRunKey(vkey);
                  setRunTrust(trustText);
                  setRun((n) => n + 1);
                  remember(vkey);
                }}
              >
                {hashed ? 'Verify again with this key' : 'Choose a file first'}
              </button>
            </div>
          </Card>
          <Card title="Whose keys may sign">
            <p className="trust-note">
              Release signatures are checked against the trust file, which lists each signatory’s release keys, which are revoked, and the purl namespaces
              each may sign. It is fetched from <strong>this server</strong> (<code>GET /api/v1/trust</code>) unless you paste one below — a server that lies
              about its signatories could vouch for its own key, so for an independent check paste a trust file you obtained elsewhere.
            </p>
            <TrustField value={trustText} onChange={setTrustText} />
          </Card>
          <Card title="What is checked">
            <ol className="steps">
              <li>The file’s SHA-256, computed here (files up to 2 GiB; WebCrypto cannot stream).</li>
              <li>Releases whose statements list that digest, found by the server’s search.</li>
              <li>For each: the logged statement’s own bytes list the digest, and those bytes are in the tree the log key signed.</li>
              <li>
                Its DSSE signature verifies with a key in the trust file that is not revoked and may sign every purl the statement names (Ed25519 or ECDSA
                P-256, in WebCrypto).
              </li>
            </ol>
            <p className="card-note card-note-flush">
              Not checked here: witness cosignatures. <code>accord verify</code> does every check offline with the trust file.
            </p>
          </Card>
        </div>
      </div>
    </>
  );
}

function DropZone({ onFile, busy }: { onFile: (f: File) => void; busy: boolean }) {
  const id = useId();
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) onFile(f);
  };
  return (
    <div
      className={`dropzone ${over ? 'dropzone-over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid="dropzone"
    >
      <div className="dropzone-icon" aria-hidden="true">
        ⇩
      </div>
      <div className="dropzone-title">Drop the file here</div>
      <div className="dropzone-or muted small">or</div>
      <label htmlFor={id} className="btn btn-sm">
        Choose a file…
      </label>
      <input
        id={id}
        type="file"
        className="visually-hidden-input"
        aria-label="File to verify"
        disabled={busy}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = '';
        }}
      />
      <div className="dropzone-hint muted small">Up to 2 GiB · stays on your computer</div>
    </div>
  );
}

type TrustState = { status: 'loading' } | { status: 'ok'; trust: Trust; source: 'server' | 'pasted' } | { status: 'error'; message: string; source: 'server' | 'pasted' };

function TrustField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <details className="trust-paste" open={value.trim() !== ''}>
      <summary>Paste a trust file instead</summary>
      <div className="field">
        <label htmlFor={id} className="field-label">
          Trust file (JSON)
        </label>
        <textarea
          id={id}
          className="input textarea mono trust-input"
          rows={5}
          value={value}
          spellCheck={false}
          placeholder='{"type": "accord-trust", "version": 1, …}'
          onChange={(e) => onChange(e.target.value)}
        />
        <div className="field-hint">Used for the next check instead of this server’s; e.g. a pinned <code>accord trust export</code> file.</div>
      </div>
    </details>
  );
}

function Releases({ digest, vkey, trustText }: { digest: string; vkey: string; trustText: string }) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<Problem | null>(null);
  const [trust, setTrust] = useState<TrustState>({ status: 'loading' });
  useEffect(() => {
    const ctrl = new AbortController();
    const source = trustText.trim() ? 'pasted' : 'server';
    (source === 'pasted' ? Promise.resolve(trustText) : fetchTrustText(ctrl.signal))
      .then(parseTrust)
      .then((t) => {
        if (!ctrl.signal.aborted) setTrust({ status: 'ok', trust: t, source });
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setTrust({ status: 'error', message: err instanceof Error ? err.message : String(err), source });
      });
    return () => ctrl.abort();
  }, [trustText]);
  useEffect(() => {
    const ctrl = new AbortController();
    api<ReleaseSearchPage>(`/api/v1/releases${query({ digest, limit: 20 })}`, { signal: ctrl.signal })
      .then((page) => setItems(page.items))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(toProblem(err));
      });
    return () => ctrl.abort();
  }, [digest]);

  if (error) return <ProblemAlert problem={error} />;
  if (!items) return <Loading label="Searching the log for this digest…" />;
  if (items.length === 0) {
    return (
      <Alert kind="warning" title="No release lists this file">
        <span data-testid="no-release">
          No signatory has logged a release statement with SHA-256 {digest.slice(0, 16)}…. Do not install it until its publisher explains why.
        </span>
      </Alert>
    );
  }
  return (
    <div className="stack">
      {!vkey.trim() && (
        <Alert kind="info" title="Paste the log’s key to verify inclusion">
          The releases below come from the server’s search. Paste the log verifier key on the right and press “Verify again” to check each one against the
          signed log.
        </Alert>
      )}
      <p className="muted small" data-testid="trust-source">
        {trust.status === 'loading'
          ? 'Loading the trust file…'
          : trust.source === 'pasted'
            ? `Signatures checked against the trust file you pasted${trust.status === 'ok' ? ` (${trust.trust.keys.length} keys)` : ''}.`
            : `Signatures checked against the trust file fetched from this server${trust.status === 'ok' ? ` (${trust.trust.keys.length} keys)` : ''}.`}
      </p>
      {trust.status === 'loading' && <Loading label="Loading the trust file…" />}
      {trust.status !== 'loading' && items.map((r) => (
        <ReleaseCheck key={r.index} record={r} digest={digest} vkey={vkey} trust={trust} />
      ))}
    </div>
  );
}

type Check =
  | { status: 'running' }
  | { status: 'done'; release: ReleaseEntry; listed: string[]; report: InclusionReport | null; signer: SignerCheck | null }
  | { status: 'error'; message: string; problem?: Problem };

/** One release: what its logged statement says, and whether that statement is in the signed log. */
function ReleaseCheck({ record, digest, vkey, trust }: { record: Item; digest: string; vkey: string; trust: TrustState }) {
  const [check, setCheck] = useState<Check>({ status: 'running' });
  useEffect(() => {
    let live = true;
    (async () => {
      const entry = await fetchEntry(record.index);
      const data = entryBytes(entry);
      // The search result is the server's say-so; the entry's own bytes are what the proof covers.
      const release = parseReleaseEntry(data);
      const listed = subjectsWithDigest(release, digest).map((s) => s.name ?? s.uri ?? 'unnamed');
      const report = vkey.trim() ? await checkEntryInclusion(record.index, data, vkey) : null;
      // The signature is checked over the same bytes the inclusion proof covers.
      const signer: SignerCheck | null =
        trust.status === 'loading'
          ? null
          : trust.status === 'error'
            ? { ok: false, code: 'TRUST_INVALID', message: `not checked: ${trust.message}` }
            : await checkSigner(parseDsseEnvelope(data), release.purls, trust.trust);
      if (live) setCheck({ status: 'done', release, listed, report, signer });
    })().catch((err: unknown) => {
      if (live) setCheck({ status: 'error', message: err instanceof Error ? err.message : String(err), problem: err instanceof VerifyError ? undefined : toProblem(err) });
    });
    return () => {
      live = false;
    };
  }, [record.index, digest, vkey, trust]);

  const verdict =
    check.status === 'running' || (check.status === 'done' && check.signer === null)
      ? { tone: 'gray', text: 'Checking…' }
      : check.status === 'error'
        ? { tone: 'red', text: '✗ Could not check' }
        : check.listed.length === 0
          ? { tone: 'red', text: '✗ Statement does not list this file' }
          : !check.signer?.ok
            ? { tone: 'red', text: '✗ Signature not accepted' }
            : !check.report
              ? { tone: 'amber', text: 'Listed and signed · inclusion not checked (no key)' }
              : check.report.ok
                ? { tone: 'green', text: '✓ Signed, listed and in the signed log' }
                : { tone: 'red', text: '✗ Inclusion does not verify' };

  return (
    <section className={`release-check release-${verdict.tone}`} data-testid="release-check" aria-label={`Release in entry ${record.index}`}>
      <header className="release-check-head">
        <div>
          <div className="release-purl mono">{record.purls.join(', ') || 'no purl'}</div>
          <div className="muted small">
            <Link to={`/ledger/entries/${record.index}`}>Entry {record.index}</Link> · logged {dateTime(record.added_at)} · key{' '}
            <span className="mono">{record.key_ids.map((k) => k.slice(0, 12)).join(', ') || '—'}</span>
          </div>
        </div>
        <span className={`verdict-pill pill pill-${verdict.tone}`} data-testid="release-verdict">
          {verdict.text}
        </span>
      </header>
      {check.status === 'error' && (check.problem ? <ProblemAlert problem={check.problem} /> : <Alert kind="error">{check.message}</Alert>)}
      {check.status === 'done' && (
        <>
          <table className="table table-inner" aria-label="Subjects">
            <thead>
              <tr>
                <th>Subject</th>
                <th>SHA-256</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {check.release.subjects.map((s, i) => (
                <tr key={i} className={s.sha256 === digest ? 'subject-match-row' : undefined}>
                  <td className="mono">{s.name ?? s.uri ?? 'unnamed'}</td>
                  <td className="mono small">{s.sha256 ?? '—'}</td>
                  <td className="nowrap small">{s.sha256 === digest ? <span className="text-green">✓ this file</span> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {check.signer && (
            <ol className="verify-steps release-signature" aria-label="Signature check">
              <li className={`verify-step step-${check.signer.ok ? 'ok' : 'failed'}`} data-step="dsse-signature" data-status={check.signer.ok ? 'ok' : 'failed'} data-code={check.signer.code}>
                <span className="step-icon" aria-hidden="true">
                  {check.signer.ok ? '✓' : '✗'}
                </span>
                <div className="step-body">
                  <div className="step-label">
                    Signature by a trusted, unrevoked key allowed for the package
                    <span className="sr-only"> — {check.signer.ok ? 'ok' : 'failed'}</span>
                  </div>
                  <div className="step-detail" data-testid="signature-detail">
                    signature: {check.signer.message}
                  </div>
                </div>
              </li>
            </ol>
          )}
          {check.report && (
            <details className="release-steps" open={!check.report.ok}>
              <summary>Inclusion check ({check.report.steps.filter((s) => s.status === 'ok').length} of {check.report.steps.length} passed)</summary>
              <VerifySteps report={check.report} />
            </details>
          )}
        </>
      )}
    </section>
  );
}
