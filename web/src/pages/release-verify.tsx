import { useEffect, useId, useState } from 'react';
import type { Problem, ReleaseSearchPage } from '../../../src/http/api-types.js';
import { api, query, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { DropZone } from '../components/drop-zone.js';
import { Card, Loading, PageHeader } from '../components/page.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import { parseSignedCheckpoint, type SignedCheckpoint } from '../verify/checkpoint.js';
import { VerifyError } from '../verify/errors.js';
import { formatBytes, sha256File } from '../verify/file-hash.js';
import type { InclusionReport } from '../verify/inclusion.js';
import { parseDsseEnvelope } from '../verify/dsse.js';
import { parseReleaseEntry, subjectsWithDigest, type ReleaseEntry } from '../verify/release-statement.js';
import { sameKey } from '../verify/note.js';
import { checkWitnesses, logsForOrigin, type PolicyLog } from '../verify/policy.js';
import { checkSigner, fetchTrustText, parseTrust, type SignerCheck, type Trust } from '../verify/trust.js';
import { checkEntryInclusion } from '../ledger/check-entry.js';
import { entryBytes, fetchCheckpoint, fetchEntry } from '../ledger/log-client.js';
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
 * the log that list that SHA-256, and check each one as `accord verify` does:
 * the release signature against the trust file, inclusion in the tree signed
 * by the log key (the user's copy, else the trust file's), and the witness
 * cosignatures against the trust file's policy.
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
            <DropZone
              onFile={(f) => void hash(f)}
              busy={file !== null && hashed === null && hashError === null}
              icon="⇩"
              title="Drop the file here"
              inputLabel="File to verify"
              hint="Up to 2 GiB · stays on your computer"
            />
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
                disabled={!hashed}
                onClick={() => {
                  setRunKey(vkey);
                  setRunTrust(trustText);
                  setRun((n) => n + 1);
                  remember(vkey);
                }}
              >
                {!hashed ? 'Choose a file first' : vkey.trim() ? 'Verify again with this key' : 'Verify again'}
              </button>
              <p className="trust-note trust-note-flush">
                Optional: left empty, the log key named in the trust file’s policy is used. A key you type here always wins — it is your trust root.
              </p>
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
              <li>
                For each: the logged statement’s own bytes list the digest, and those bytes are in the tree signed by the log key (yours, or the one the trust
                file’s policy names).
              </li>
              <li>
                Its DSSE signature verifies with a key in the trust file that is not revoked and may sign every purl the statement names (Ed25519 or ECDSA
                P-256, in WebCrypto).
              </li>
              <li>
                The checkpoint’s witness cosignatures satisfy the trust file’s policy (<code>c2sp.org/tlog-policy</code>: its quorum, groups and all); a
                listed witness’s invalid cosignature fails.
              </li>
            </ol>
            <p className="card-note card-note-flush">
              The same checks as <code>accord verify</code>, which makes them offline with the trust file.
            </p>
          </Card>
        </div>
      </div>
    </>
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
          placeholder='{"type": "accord-trust", "version": 2, "policy": "log …", …}'
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
      {!vkey.trim() && trust.status !== 'loading' && trust.source === 'server' && (
        <Alert kind="info" title="Checked with this server’s own log key">
          No log key was typed, so each release is checked against the log key in the trust file this server sent — a server can vouch for itself. For an
          independent check, type your copy of the log key on the right, or paste a trust file you obtained elsewhere, and press “Verify again”.
        </Alert>
      )}
      <p className="muted small" data-testid="trust-source">
        {trust.status === 'loading'
          ? 'Loading the trust file…'
          : `Signatures and witnesses checked against the trust file ${trust.source === 'pasted' ? 'you pasted' : 'fetched from this server'}${trust.status === 'ok' ? ` (${trustSummary(trust.trust)})` : ''}.`}
      </p>
      {trust.status === 'loading' && <Loading label="Loading the trust file…" />}
      {trust.status !== 'loading' && items.map((r) => (
        <ReleaseCheck key={r.index} record={r} digest={digest} vkey={vkey} trust={trust} />
      ))}
    </div>
  );
}

/** "3 keys · 2 witnesses, quorum "both"". */
function trustSummary(t: Trust): string {
  const keys = `${t.keys.length} ${t.keys.length === 1 ? 'key' : 'keys'}`;
  const w = t.policy.witnesses.length;
  return `${keys} · ${w} ${w === 1 ? 'witness' : 'witnesses'}, quorum ${JSON.stringify(t.policy.quorum)}`;
}

type StepOutcome = { status: 'ok' | 'failed' | 'skipped'; detail: string; code?: string };

/** Which log key the inclusion check used, and why; or why it could not run. */
type LogKeyUse = { vkey: string; source: 'typed' } | { vkey: string; source: 'policy'; log: PolicyLog } | { vkey: null; why: string };

type Check =
  | { status: 'running' }
  | { status: 'done'; release: ReleaseEntry; listed: string[]; report: InclusionReport | null; signer: SignerCheck | null; witnesses: StepOutcome; logKey: LogKeyUse }
  | { status: 'error'; message: string; problem?: Problem };

/** The key the user typed wins; else the policy's log for this checkpoint's origin (the one that signed it, if several). */
function chooseLogKey(vkey: string, trust: TrustState, checkpoint: SignedCheckpoint | undefined): LogKeyUse {
  if (vkey.trim()) return { vkey, source: 'typed' };
  if (trust.status !== 'ok') return { vkey: null, why: 'no log key was typed, and the trust file is not usable' };
  const { logs } = trust.trust.policy;
  const candidates = checkpoint ? logsForOrigin(trust.trust.policy, checkpoint.origin) : logs;
  if (candidates.length === 0) {
    return {
      vkey: null,
      why: `the checkpoint is for ${JSON.stringify(checkpoint?.origin)}, a log the trust file’s policy does not name (it names ${logs.map((l) => JSON.stringify(l.origin)).join(', ')})`,
    };
  }
  const log = candidates.find((l) => checkpoint?.note.signatures.some((s) => sameKey(l.key, s))) ?? candidates[0]!;
  return { vkey: log.vkey, source: 'policy', log };
}

async function witnessStep(trust: TrustState, checkpoint: SignedCheckpoint | undefined, checkpointError: string): Promise<StepOutcome> {
  if (trust.status === 'loading') return { status: 'skipped', detail: 'the trust file is still loading' };
  if (trust.status === 'error') return { status: 'skipped', detail: `not checked: the trust file is not usable (${trust.message})` };
  if (!checkpoint) return { status: 'failed', detail: `the checkpoint cannot be read: ${checkpointError}`, code: 'CHECKPOINT_MALFORMED' };
  const w = await checkWitnesses(checkpoint.note, trust.trust.policy);
  return { status: w.ok ? 'ok' : 'failed', detail: w.detail, ...(w.code ? { code: w.code } : {}) };
}

const ICON = { ok: '✓', failed: '✗', skipped: '–' } as const;

const WITNESS_VERDICT: Record<string, string> = {
  COSIGNATURE_INVALID: '✗ A witness cosignature is invalid',
  COSIGNATURE_QUORUM_NOT_MET: '✗ Witness quorum not met',
};

/** One check in the release's step list (same markup as the inclusion steps). */
function Step({ id, label, outcome, testId }: { id: string; label: string; outcome: StepOutcome; testId: string }) {
  return (
    <li className={`verify-step step-${outcome.status}`} data-step={id} data-status={outcome.status} data-code={outcome.code}>
      <span className="step-icon" aria-hidden="true">
        {ICON[outcome.status]}
      </span>
      <div className="step-body">
        <div className="step-label">
          {label}
          <span className="sr-only"> — {outcome.status}</span>
        </div>
        <div className="step-detail" data-testid={testId}>
          {outcome.detail}
        </div>
      </div>
    </li>
  );
}

function LogKeyNote({ use, report, trustSource }: { use: LogKeyUse; report: InclusionReport | null; trustSource: 'server' | 'pasted' | null }) {
  const id = report?.key ? `${report.key.name} (key ID ${report.key.keyId})` : null;
  let text: string;
  if (use.vkey === null) text = `Inclusion not checked: ${use.why}. Type the log’s key on the right and press “Verify again”.`;
  else if (use.source === 'typed') text = `Log key: ${id ?? 'the key'} you typed.`;
  else {
    const from = trustSource === 'pasted' ? 'the trust file you pasted' : 'the trust file fetched from this server (not an independent check)';
    text = `Log key: ${id ?? use.log.origin} from the policy in ${from}.`;
  }
  return (
    <p className="muted small release-log-key" data-testid="log-key-source" data-source={use.vkey === null ? 'none' : use.source}>
      {text}
    </p>
  );
}

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
      // One checkpoint for both log checks: inclusion under it, and its cosignatures.
      const note = await fetchCheckpoint();
      let checkpoint: SignedCheckpoint | undefined;
      let checkpointError = '';
      try {
        checkpoint = parseSignedCheckpoint(note);
      } catch (err) {
        checkpointError = err instanceof Error ? err.message : String(err);
      }
      const logKey = chooseLogKey(vkey, trust, checkpoint);
      const report = logKey.vkey === null ? null : await checkEntryInclusion(record.index, data, logKey.vkey, undefined, note);
      const witnesses = await witnessStep(trust, checkpoint, checkpointError);
      // The signature is checked over the same bytes the inclusion proof covers.
      const signer: SignerCheck | null =
        trust.status === 'loading'
          ? null
          : trust.status === 'error'
            ? { ok: false, code: 'TRUST_INVALID', message: `not checked: ${trust.message}` }
            : await checkSigner(parseDsseEnvelope(data), release.purls, trust.trust);
      if (live) setCheck({ status: 'done', release, listed, report, signer, witnesses, logKey });
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
            : check.report && !check.report.ok
              ? { tone: 'red', text: '✗ Inclusion does not verify' }
              : check.witnesses.status !== 'ok'
                ? { tone: 'red', text: WITNESS_VERDICT[check.witnesses.code ?? ''] ?? '✗ Witnesses not checked' }
                : !check.report
                  ? { tone: 'amber', text: 'Listed, signed and witnessed · inclusion not checked (no log key)' }
                  : check.logKey.vkey !== null && 'log' in check.logKey && trust.status !== 'loading' && trust.source === 'server'
                    ? // Every root of trust came from this server: consistent, but it vouched for itself.
                      { tone: 'amber', text: '✓ Signed, listed and logged — by this server’s own keys (not an independent check)' }
                    : { tone: 'green', text: '✓ Signed, listed and in the signed log' };

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
            <ol className="verify-steps release-signature" aria-label="Release checks">
              <Step
                id="dsse-signature"
                label="Signature by a trusted, unrevoked key allowed for the package"
                outcome={{ status: check.signer.ok ? 'ok' : 'failed', detail: `signature: ${check.signer.message}`, ...(check.signer.code ? { code: check.signer.code } : {}) }}
                testId="signature-detail"
              />
              <Step id="witnesses" label="Witness cosignatures satisfy the trust policy" outcome={check.witnesses} testId="witness-detail" />
            </ol>
          )}
          <LogKeyNote use={check.logKey} report={check.report} trustSource={trust.status === 'loading' ? null : trust.source} />
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
