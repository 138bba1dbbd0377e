import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Page, Problem, ReportInput, ReportReceipt, SignatoryView } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { SecretBox } from '../components/copy-button.js';
import { TextArea, TextField, friendly } from '../components/fields.js';
import { Card, PageHeader } from '../components/page.js';
import { MultiSelect } from '../intel/multi-select.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { MAX_REPORT_FILES, MAX_REPORT_TOTAL_BYTES, formatBytes, refuseFile, toUpload } from '../disclosure/files.js';

interface ProductRow {
  key: number;
  name: string;
  vendor: string;
  purl: string;
  cpe: string;
  versions: string;
}

const emptyProduct = (key: number): ProductRow => ({ key, name: '', vendor: '', purl: '', cpe: '', versions: '' });

/** Field errors by JSON pointer (`/products/0/purl`), reworded for people. */
function errorsByPath(problem: Problem | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of problem?.errors ?? []) {
    const msg = friendly(e.message);
    out.set(e.path, out.has(e.path) ? `${out.get(e.path)}; ${msg}` : msg);
  }
  return out;
}

/** Every error at or under `prefix` (for fields that are lists, such as vendors and attachments). */
function under(errors: Map<string, string>, prefix: string): string | undefined {
  const hits = [...errors].filter(([p]) => p === prefix || p.startsWith(`${prefix}/`)).map(([, m]) => m);
  return hits.length > 0 ? hits.join('; ') : undefined;
}

/**
 * The public report form (ISO/IEC 29147 intake): no account needed. An
 * anonymous reporter gets a secret case link, shown once; a signed-in user
 * reports for their organisation and finds the case in the inbox.
 */
export function ReportPage() {
  const { me, state } = useSession();
  const signatories = useApi<Page<SignatoryView>>('/api/v1/signatories?limit=500');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const nextKey = useRef(1);
  const [products, setProducts] = useState<ProductRow[]>([emptyProduct(0)]);
  const [vendors, setVendors] = useState<string[]>([]);
  const [publishAfter, setPublishAfter] = useState('');
  const [credit, setCredit] = useState('');
  const [notes, setNotes] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [receipt, setReceipt] = useState<ReportReceipt | null>(null);
  const errors = useMemo(() => errorsByPath(problem), [problem]);
  const problemRef = useRef<HTMLDivElement>(null);
  // A refused report: bring the explanation into view (the submit button is far below it).
  useEffect(() => {
    if (problem) problemRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [problem]);

  const vendorOptions = useMemo(
    () =>
      (signatories.data?.items ?? [])
        .map((s) => ({ value: s.org.slug, label: s.org.name, hint: s.org.slug }))
        .sort((a, b) => a.label.replace(/^Demo · /, '').localeCompare(b.label.replace(/^Demo · /, ''))),
    [signatories.data],
  );

  const setProduct = (key: number, patch: Partial<ProductRow>) => setProducts((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const totalBytes = files.reduce((n, f) => n + f.size, 0);

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    const picked = [...list];
    const refused = picked.map(refuseFile).filter((m): m is string => m !== null);
    const ok = picked.filter((f) => refuseFile(f) === null);
    let next = [...files, ...ok.filter((f) => !files.some((g) => g.name === f.name && g.size === f.size))];
    if (next.length > MAX_REPORT_FILES) {
      refused.push(`A report carries at most ${MAX_REPORT_FILES} files; attach more on the case page after filing.`);
      next = next.slice(0, MAX_REPORT_FILES);
    }
    if (next.reduce((n, f) => n + f.size, 0) > MAX_REPORT_TOTAL_BYTES) {
      refused.push(`The files of one report may total at most ${formatBytes(MAX_REPORT_TOTAL_BYTES)}; attach the rest on the case page after filing.`);
      while (next.length > 0 && next.reduce((n, f) => n + f.size, 0) > MAX_REPORT_TOTAL_BYTES) next = next.slice(0, -1);
    }
    setFiles(next);
    setFileError(refused.length > 0 ? refused.join(' ') : null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body: ReportInput = {
        title: title.trim(),
        description,
        products: products.map((p) => ({
          name: p.name.trim(),
          ...(p.vendor.trim() ? { vendor: p.vendor.trim() } : {}),
          ...(p.purl.trim() ? { purl: p.purl.trim() } : {}),
          ...(p.cpe.trim() ? { cpe: p.cpe.trim() } : {}),
          ...(p.versions.trim() ? { versions: p.versions.trim() } : {}),
        })),
        wishes: { publish_after: publishAfter || null, credit: credit.trim() || null, notes: notes.trim() || null },
        ...(me ? {} : { reporter: { name: name.trim() || null, email: email.trim() || null } }),
        ...(vendors.length > 0 ? { vendors } : {}),
        ...(files.length > 0 ? { attachments: await Promise.all(files.map(toUpload)) } : {}),
      };
      setReceipt(await api<ReportReceipt>('/api/v1/reports', { method: 'POST', body }));
      window.scrollTo(0, 0);
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  if (receipt) return <Receipt receipt={receipt} onAnother={() => window.location.assign('/report')} />;

  return (
    <>
      <PageHeader
        title="Report a vulnerability"
        subtitle="Coordinated disclosure through the accord: the secretariat coordinates, brings in the affected vendors and agrees an embargo with them, and the case ends in a public CSAF 2.0 and OSV advisory."
      />
      {state.status !== 'loading' &&
        (me ? (
          <Alert kind="info" title={`Reporting as ${me.user.name} for ${me.org.name}`}>
            The case will appear in your organisation’s case inbox. Sign out first to report anonymously.
          </Alert>
        ) : (
          <Alert kind="info" title="No account needed">
            After you submit, you get a secret case link. It is your only way back to the case: keep it somewhere safe. Anyone who has it can read the case.
          </Alert>
        ))}
      <div className="layout-aside">
        <form className="form layout-main" onSubmit={(e) => void submit(e)} aria-label="Vulnerability report" noValidate>
          <div ref={problemRef} className="scroll-anchor">
            {problem && <ProblemAlert problem={problem} fieldErrors={(problem.errors?.length ?? 0) > 0} />}
          </div>
          <Card title="The vulnerability">
            <div className="stack">
              <TextField label="Title" name="title" required value={title} onChange={setTitle} maxLength={300} placeholder="Heap overflow in the HTTP header parser of …" error={errors.get('/title')} />
              <TextArea
                label="Description"
                name="description"
                required
                rows={9}
                value={description}
                onChange={setDescription}
                maxLength={100_000}
                error={errors.get('/description')}
                hint="What is wrong, how to reproduce it, what an attacker gains. Attach a proof of concept below."
              />
            </div>
          </Card>

          <Card
            title="Affected products"
            actions={
              <button type="button" className="btn btn-sm" onClick={() => setProducts((rows) => [...rows, emptyProduct(nextKey.current++)])} disabled={products.length >= 50}>
                + Add a product
              </button>
            }
          >
            <div className="product-rows">
              {products.map((p, i) => (
                <fieldset key={p.key} className="product-row" aria-label={`Product ${i + 1}`} data-testid="product-row">
                  <legend className="product-row-head">
                    <span className="product-row-num">Product {i + 1}</span>
                  </legend>
                  {products.length > 1 && (
                    <button type="button" className="btn btn-sm btn-ghost product-remove" onClick={() => setProducts((rows) => rows.filter((r) => r.key !== p.key))} aria-label={`Remove product ${i + 1}`}>
                      Remove
                    </button>
                  )}
                  <div className="product-grid">
                    <TextField label="Name" name={`products.${i}.name`} required value={p.name} onChange={(v) => setProduct(p.key, { name: v })} maxLength={300} error={errors.get(`/products/${i}/name`)} />
                    <TextField label="Vendor" name={`products.${i}.vendor`} value={p.vendor} onChange={(v) => setProduct(p.key, { vendor: v })} maxLength={200} error={errors.get(`/products/${i}/vendor`)} />
                    <TextField label="Versions" name={`products.${i}.versions`} value={p.versions} onChange={(v) => setProduct(p.key, { versions: v })} maxLength={300} placeholder="1.0 – 1.2.x" error={errors.get(`/products/${i}/versions`)} />
                    <TextField label="Package URL" name={`products.${i}.purl`} mono value={p.purl} onChange={(v) => setProduct(p.key, { purl: v })} maxLength={2048} placeholder="pkg:npm/example@1.2.0" error={errors.get(`/products/${i}/purl`)} />
                    <TextField label="CPE 2.3" name={`products.${i}.cpe`} mono value={p.cpe} onChange={(v) => setProduct(p.key, { cpe: v })} maxLength={1024} placeholder="cpe:2.3:a:vendor:product:1.2:*:*:*:*:*:*:*" error={errors.get(`/products/${i}/cpe`)} />
                  </div>
                </fieldset>
              ))}
            </div>
            {errors.get('/products') && <div className="field-error">{errors.get('/products')}</div>}
          </Card>

          <Card title="Vendors to involve">
            <div className="field">
              <span className="field-label" id="vendors-label">
                Signatories you believe are affected<span className="field-optional">optional</span>
              </span>
              <MultiSelect label="Vendors" anyLabel="None selected" options={vendorOptions} selected={vendors} onChange={setVendors} searchable wide />
              {vendors.length > 0 && (
                <div className="chip-list" aria-label="Selected vendors">
                  {vendors.map((v) => (
                    <span key={v} className="chip">
                      {vendorOptions.find((o) => o.value === v)?.label ?? v}
                      <button type="button" className="chip-remove" aria-label={`Remove ${v}`} onClick={() => setVendors(vendors.filter((x) => x !== v))}>
                        ×
                      </button>
                    </span>
                  ))}
                </div>
              )}
              {under(errors, '/vendors') && <div className="field-error">{under(errors, '/vendors')}</div>}
              <div className="field-hint">The coordinator confirms them and brings in vendors that are not signatories.</div>
            </div>
          </Card>

          <Card title="Disclosure wishes">
            <div className="form-grid">
              <div className="field">
                <label className="field-label" htmlFor="publish-after">
                  You intend to publish after<span className="field-optional">optional</span>
                </label>
                <input id="publish-after" className="input" type="date" value={publishAfter} onChange={(e) => setPublishAfter(e.target.value)} aria-invalid={errors.has('/wishes/publish_after') || undefined} />
                {errors.get('/wishes/publish_after') && <div className="field-error">{errors.get('/wishes/publish_after')}</div>}
                <div className="field-hint">The coordinator takes it into account when agreeing the embargo with the vendors.</div>
              </div>
              <TextField label="Credit as" name="credit" value={credit} onChange={setCredit} maxLength={200} placeholder="Your name or handle; empty for no credit" error={errors.get('/wishes/credit')} />
              <div className="span-2">
                <TextArea label="Other wishes" name="notes" rows={3} value={notes} onChange={setNotes} maxLength={4000} error={errors.get('/wishes/notes')} />
              </div>
            </div>
          </Card>

          {!me && (
            <Card title="About you">
              <div className="form-grid">
                <TextField label="Name" name="reporter-name" value={name} onChange={setName} maxLength={200} autoComplete="name" placeholder="Anonymous reporter" error={errors.get('/reporter/name')} />
                <TextField
                  label="E-mail"
                  name="reporter-email"
                  type="email"
                  value={email}
                  onChange={setEmail}
                  maxLength={320}
                  autoComplete="email"
                  error={errors.get('/reporter/email')}
                  hint="Only the coordinator sees it; we write when the case moves."
                />
              </div>
            </Card>
          )}

          <Card title="Attachments">
            <div className="field">
              <label className="field-label" htmlFor="report-files">
                Proof of concept, logs, screenshots<span className="field-optional">optional</span>
              </label>
              <input id="report-files" className="file-input" type="file" multiple onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = '';
              }} />
              <div className="field-hint">
                At most 5 MiB per file, {MAX_REPORT_FILES} files and {formatBytes(MAX_REPORT_TOTAL_BYTES)} together. Files are stored for the case’s participants and only ever offered as downloads.
              </div>
              {fileError && (
                <div className="field-error" role="alert" data-testid="file-error">
                  {fileError}
                </div>
              )}
              {under(errors, '/attachments') && <div className="field-error">{under(errors, '/attachments')}</div>}
            </div>
            {files.length > 0 && (
              <table className="table table-inner" aria-label="Files to attach">
                <tbody>
                  {files.map((f) => (
                    <tr key={`${f.name}:${f.size}`}>
                      <td className="mono">{f.name}</td>
                      <td className="num nowrap">{formatBytes(f.size)}</td>
                      <td className="cell-actions">
                        <button type="button" className="btn btn-sm btn-ghost" onClick={() => setFiles(files.filter((g) => g !== f))}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                  <tr className="row-muted">
                    <td>Together</td>
                    <td className="num nowrap">{formatBytes(totalBytes)}</td>
                    <td />
                  </tr>
                </tbody>
              </table>
            )}
          </Card>

          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Sending…' : 'Submit report'}
            </button>
            <span className="muted small">Reports are confidential to the coordinator and the vendors the coordinator brings in.</span>
          </div>
        </form>

        <aside className="layout-side">
          <Card title="What happens next">
            <ol className="steps">
              <li>The secretariat, coordinator of every case, triages the report and confirms the affected vendors.</li>
              <li>The vendors and the coordinator agree an embargo: a fixed end date, at most 90 days away.</li>
              <li>Vendors state whether they are affected and prepare fixes; you follow the case and its private thread.</li>
              <li>When the embargo ends, the advisory is published as CSAF 2.0 and OSV and committed to the transparency log.</li>
            </ol>
          </Card>
          <Card title="Please do not" className="mt">
            <ul className="steps">
              <li>test against systems you do not own or have permission to test;</li>
              <li>include more personal data than needed to show the problem.</li>
            </ul>
          </Card>
        </aside>
      </div>
    </>
  );
}

/** After filing: the case number, and for anonymous reporters the secret case link, shown this once. */
function Receipt({ receipt, onAnother }: { receipt: ReportReceipt; onAnother: () => void }) {
  const url = `${window.location.origin}${receipt.case_url}`;
  return (
    <div className="narrow">
      <div className="success-panel" data-testid="report-receipt">
        <div className="success-icon" aria-hidden="true">
          ✓
        </div>
        <h1 className="page-title">Report filed</h1>
        <div className="receipt">
          <span className="receipt-label">Case</span>
          <code className="receipt-id" data-testid="case-number">
            {receipt.number}
          </code>
        </div>
        {receipt.link_secret ? (
          <div className="stack receipt-secret">
            <Alert kind="warning" title="Keep this link: it is shown only once">
              It is the only way back to your case, and anyone who has it can read the case and write in its thread. We store only a hash of it and
              cannot show it again or recover it.
            </Alert>
            <SecretBox label="Your secret case link" value={url} />
            <div className="button-row center">
              <Link to={receipt.case_url} className="btn btn-primary">
                Open the case
              </Link>
              <button type="button" className="btn" onClick={onAnother}>
                Report another
              </button>
            </div>
          </div>
        ) : (
          <div className="button-row center">
            <Link to={receipt.case_url} className="btn btn-primary">
              Open the case
            </Link>
            <Link to="/cases" className="btn">
              Case inbox
            </Link>
          </div>
        )}
      </div>
    </div>
  );
}
