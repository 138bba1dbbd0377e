import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { DropZone } from '../components/drop-zone.js';
import { Card, DataState, Empty, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { RequireSignIn } from '../components/require-sign-in.js';
import { dateTime } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { useApi } from '../use-api.js';
import { formatBytes } from '../verify/file-hash.js';
import { TlpBadge } from '../intel/tlp.js';
import type { IntelCollection, IntelStatus } from '../intel/types.js';

const MAX_BYTES = 64 * 1024 * 1024;
const POLL_MS = 1000;

type Parsed = { ok: true; objects: number; types: [string, number][]; bundle: { type: 'bundle'; id?: string; objects: unknown[] } } | { ok: false; message: string };

/** Reads a STIX bundle before sending it, so mistakes show here rather than as a failed upload. */
function parseBundle(text: string): Parsed {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, message: 'A STIX bundle is a JSON object with "type": "bundle".' };
  const b = v as Record<string, unknown>;
  if (b.type !== 'bundle') return { ok: false, message: `Expected "type": "bundle", found ${JSON.stringify(b.type ?? null)}. Wrap single objects in a bundle.` };
  if (!Array.isArray(b.objects)) return { ok: false, message: 'The bundle has no "objects" array.' };
  const types = new Map<string, number>();
  for (const o of b.objects) {
    const t = typeof o === 'object' && o !== null && typeof (o as { type?: unknown }).type === 'string' ? (o as { type: string }).type : '(no type)';
    types.set(t, (types.get(t) ?? 0) + 1);
  }
  return {
    ok: true,
    objects: b.objects.length,
    types: [...types].sort((a, c) => c[1] - a[1]),
    bundle: { type: 'bundle', ...(typeof b.id === 'string' ? { id: b.id } : {}), objects: b.objects },
  };
}

/** Upload a STIX 2.1 bundle into a collection and follow its status until every object is processed. */
export function IntelUploadPage() {
  return (
    <>
      <PageHeader
        title="Upload a STIX bundle"
        subtitle="Objects are validated, stored per TLP and logged exactly as a TAXII POST would be. Objects without a TLP marking get the collection’s default TLP."
      />
      <RequireSignIn why="Uploading intel needs a signed-in user with write access to a collection.">
        <Upload />
      </RequireSignIn>
    </>
  );
}

function Upload() {
  const { search } = useLocation();
  const statusId = search.get('status');
  const collections = useApi<{ items: IntelCollection[] }>('/api/v1/intel/collections');
  const writable = useMemo(() => (collections.data?.items ?? []).filter((c) => c.can_write), [collections.data]);
  const [collectionId, setCollectionId] = useState('');
  const [source, setSource] = useState<'file' | 'paste'>('file');
  const [file, setFile] = useState<{ name: string; size: number; text: string } | null>(null);
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const chosen = collectionId || writable[0]?.id || '';
  const collection = writable.find((c) => c.id === chosen);
  const text = source === 'file' ? (file?.text ?? '') : pasted;
  const parsed = useMemo(() => (text.trim() ? parseBundle(text) : null), [text]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed?.ok || !chosen) return;
    setBusy(true);
    setProblem(null);
    try {
      const status = await api<IntelStatus>(`/api/v1/intel/collections/${encodeURIComponent(chosen)}/bundles`, { method: 'POST', body: parsed.bundle });
      // The status id goes in the URL: a reload keeps following the same upload.
      navigate(`/intel/upload?status=${encodeURIComponent(status.id)}`);
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="layout-aside wide-aside">
      <div className="layout-main stack">
        {statusId && <StatusCard id={statusId} collections={collections.data?.items ?? []} />}
        <Card title={statusId ? 'Upload another bundle' : 'Bundle'}>
          <DataState {...collections}>
            {() =>
              writable.length === 0 ? (
                <Alert kind="warning" title="No collection you may write to">
                  Your role cannot write to any collection (viewers read only). Ask your organisation’s org-admin or the secretariat.
                </Alert>
              ) : (
                <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Upload a bundle">
                  {problem && <ProblemAlert problem={problem} fieldErrors />}
                  <div className="form-grid">
                    <label className="field">
                      <span className="field-label">Collection</span>
                      <select className="input select" value={chosen} onChange={(e) => setCollectionId(e.target.value)}>
                        {writable.map((c) => (
                          <option key={c.id} value={c.id}>
                            {c.title}
                            {c.alias ? ` (${c.alias})` : ''}
                          </option>
                        ))}
                      </select>
                      {collection && (
                        <span className="field-hint">
                          Unmarked objects become <TlpBadge level={collection.default_tlp} size="sm" />
                        </span>
                      )}
                    </label>
                    <div className="field">
                      <span className="field-label" id="bundle-source">
                        Source
                      </span>
                      <div className="segmented segmented-2" role="radiogroup" aria-labelledby="bundle-source">
                        <label className="seg seg-choice">
                          <input type="radio" name="source" checked={source === 'file'} onChange={() => setSource('file')} />
                          <span>.json file</span>
                        </label>
                        <label className="seg seg-choice">
                          <input type="radio" name="source" checked={source === 'paste'} onChange={() => setSource('paste')} />
                          <span>Paste JSON</span>
                        </label>
                      </div>
                    </div>
                  </div>
                  {source === 'file' ? (
                    <BundleDrop file={file} onFile={setFile} onError={(message) => setProblem({ type: 'about:blank', title: 'Cannot read the file', status: 0, code: 'CLIENT', detail: message })} />
                  ) : (
                    <div className="field">
                      <label htmlFor="bundle-json" className="field-label">
                        STIX bundle (JSON)
                      </label>
                      <textarea
                        id="bundle-json"
                        className="input textarea mono bundle-input"
                        rows={12}
                        spellCheck={false}
                        value={pasted}
                        placeholder={'{\n  "type": "bundle",\n  "id": "bundle--…",\n  "objects": [ … ]\n}'}
                        onChange={(e) => setPasted(e.target.value)}
                      />
                    </div>
                  )}
                  {parsed && !parsed.ok && (
                    <Alert kind="error" title="Not a STIX bundle">
                      <span data-testid="bundle-error">{parsed.message}</span>
                    </Alert>
                  )}
                  {parsed?.ok && (
                    <div className="bundle-facts" data-testid="bundle-facts">
                      <span>
                        <strong className="tnum">{parsed.objects.toLocaleString('en')}</strong> object{parsed.objects === 1 ? '' : 's'}:
                      </span>
                      {parsed.types.slice(0, 8).map(([t, n]) => (
                        <span key={t} className="badge mono">
                          {t} × {n}
                        </span>
                      ))}
                      {parsed.types.length > 8 && <span className="muted small"> and {parsed.types.length - 8} more types</span>}
                    </div>
                  )}
                  <div className="button-row">
                    <button type="submit" className="btn btn-primary" disabled={busy || !parsed?.ok || parsed.objects === 0}>
                      {busy ? 'Uploading…' : 'Upload bundle'}
                    </button>
                    {collection && <span className="small muted">into {collection.title}</span>}
                  </div>
                </form>
              )
            }
          </DataState>
        </Card>
      </div>
      <div className="layout-side stack">
        <Card title="What happens">
          <ol className="steps">
            <li>Each object is validated against STIX 2.1; patterns are parsed. Invalid objects are refused one by one, the rest are kept.</li>
            <li>
              TLP comes from each object’s marking (TLP 2.0 or 1.0); AMBER and RED objects name who may read them with Accord’s sharing extension (
              <code>org:</code>, <code>group:</code>, <code>user:</code>).
            </li>
            <li>Every stored version is committed to the transparency log: CLEAR in the clear, everything else as a salted commitment.</li>
          </ol>
        </Card>
        <Card title="From a script">
          <p className="small">
            TAXII 2.1 clients POST the same envelope to the collection’s <code>objects/</code> endpoint; see <Link to="/intel/collections">Collections</Link>{' '}
            for the URLs, or use <code>accord intel push</code>.
          </p>
        </Card>
      </div>
    </div>
  );
}

function BundleDrop({ file, onFile, onError }: { file: { name: string; size: number } | null; onFile: (f: { name: string; size: number; text: string } | null) => void; onError: (m: string) => void }) {
  const read = (f: File) => {
    if (f.size > MAX_BYTES) {
      onError(`${f.name} is ${formatBytes(f.size)}; the upload limit is ${formatBytes(MAX_BYTES)}. Split the bundle or use TAXII.`);
      return;
    }
    f.text().then(
      (text) => onFile({ name: f.name, size: f.size, text }),
      (err: unknown) => onError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <>
      <DropZone
        onFile={read}
        title="Drop a STIX bundle here"
        buttonLabel="Choose a .json file…"
        accept=".json,application/json,application/stix+json"
        inputLabel="STIX bundle file"
        hint={<>STIX 2.1 bundle, up to {formatBytes(MAX_BYTES)}</>}
        testId="bundle-dropzone"
      />
      {file && (
        <div className="file-facts">
          <div className="file-name">
            <span className="file-icon" aria-hidden="true">
              ▤
            </span>
            <strong className="mono">{file.name}</strong>
            <span className="muted small">{formatBytes(file.size)}</span>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => onFile(null)}>
              Remove
            </button>
          </div>
        </div>
      )}
    </>
  );
}

/** The upload's status, polled while objects are pending; failures listed with the validator's message. */
function StatusCard({ id, collections }: { id: string; collections: IntelCollection[] }) {
  const status = useApi<IntelStatus>(`/api/v1/intel/status/${encodeURIComponent(id)}`);
  const pending = status.data?.status === 'pending';
  const { reload } = status;
  useEffect(() => {
    if (!pending) return;
    const t = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(t);
  }, [pending, reload, status.data]);
  return (
    <Card
      title="Upload status"
      className="action-card"
      actions={
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => navigate('/intel/upload')}>
          Dismiss
        </button>
      }
    >
      <DataState {...status}>{(s) => <StatusView s={s} collection={collections.find((c) => c.id === s.collection_id)} />}</DataState>
    </Card>
  );
}

function StatusView({ s, collection }: { s: IntelStatus; collection: IntelCollection | undefined }) {
  const done = s.status === 'complete';
  const pct = (n: number) => (s.total_count === 0 ? 0 : (n / s.total_count) * 100);
  return (
    <div className="stack" data-testid="upload-status" data-status={s.status}>
      <div className="status-head">
        {done ? (
          s.failure_count === 0 ? (
            <Pill tone="green">✓ complete</Pill>
          ) : s.success_count === 0 ? (
            <Pill tone="red">✗ complete, nothing stored</Pill>
          ) : (
            <Pill tone="amber">complete with failures</Pill>
          )
        ) : (
          <Pill tone="blue">
            <span className="spinner spinner-sm" aria-hidden="true" /> pending
          </Pill>
        )}
        <span className="small muted">
          Requested {dateTime(s.request_timestamp)}
          {collection ? ` · into ${collection.title}` : ''} · status <span className="mono">{s.id}</span>
        </span>
      </div>
      <div className="stats stats-3">
        <div className="stat">
          <div className="stat-label">Stored</div>
          <div className="stat-value text-green" data-testid="status-success">
            {s.success_count}
          </div>
          <div className="stat-sub">of {s.total_count} objects</div>
        </div>
        <div className="stat">
          <div className="stat-label">Refused</div>
          <div className={`stat-value ${s.failure_count > 0 ? 'text-red' : ''}`} data-testid="status-failure">
            {s.failure_count}
          </div>
          <div className="stat-sub">listed below</div>
        </div>
        <div className="stat">
          <div className="stat-label">Pending</div>
          <div className="stat-value" data-testid="status-pending">
            {s.pending_count}
          </div>
          <div className="stat-sub">{done ? 'all processed' : 'refreshing every second'}</div>
        </div>
      </div>
      <div className="meter" role="img" aria-label={`${s.success_count} stored, ${s.failure_count} refused, ${s.pending_count} pending of ${s.total_count}`}>
        <div className="meter-seg seg-yes" style={{ width: `${pct(s.success_count)}%` }} />
        <div className="meter-seg seg-no" style={{ width: `${pct(s.failure_count)}%` }} />
      </div>
      {s.failures.length > 0 ? (
        <table className="table table-inner" aria-label="Refused objects">
          <thead>
            <tr>
              <th>Object</th>
              <th>Version</th>
              <th>Why it was refused</th>
            </tr>
          </thead>
          <tbody>
            {s.failures.map((f, i) => (
              <tr key={`${f.id} ${f.version} ${i}`} data-testid="failure-row">
                <td className="mono small nowrap">{f.id}</td>
                <td className="mono small nowrap">{f.version || '—'}</td>
                <td className="failure-message">{f.message ?? 'refused'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        done && <Empty>Every object was stored.</Empty>
      )}
      {s.failure_count > s.failures.length && <p className="small muted">Showing the first {s.failures.length} of {s.failure_count} failures.</p>}
      {done && s.success_count > 0 && (
        <div className="button-row">
          <Link to={`/intel?collection=${encodeURIComponent(s.collection_id)}`} className="btn btn-sm">
            Show the collection’s newest objects
          </Link>
        </div>
      )}
    </div>
  );
}
