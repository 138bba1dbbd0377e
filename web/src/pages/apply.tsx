import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApplicationInput, ApplicationReceipt, ItemList, Pledge, Problem, SizeBand, VotingRule } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { fieldErrors, SelectField, TextArea, TextField } from '../components/fields.js';
import { Card, Loading, PageHeader } from '../components/page.js';
import { dateTime, SIZE_BAND_LABELS, SIZE_BANDS } from '../format.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

type Form = Omit<ApplicationInput, 'size_band' | 'psirt_contact' | 'cvd_policy_url' | 'security_txt_url' | 'pledges'> & {
  size_band: SizeBand | '';
  psirt_contact: string;
  cvd_policy_url: string;
  security_txt_url: string;
};

const EMPTY: Form = {
  org_name: '',
  country: '',
  sector: '',
  size_band: '',
  website: '',
  contact_name: '',
  contact_email: '',
  psirt_contact: '',
  cvd_policy_url: '',
  security_txt_url: '',
  motivation: '',
};

const FIELDS = new Set<string>([...Object.keys(EMPTY), 'pledges']);

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/** The public application form: no account needed; the server's field errors appear next to their fields. */
export function ApplyPage() {
  const pledges = useApi<ItemList<Pledge>>('/api/v1/pledges');
  const rule = useApi<VotingRule>('/api/v1/voting-rule');
  const [form, setForm] = useState<Form>(EMPTY);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<ApplicationReceipt | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  // Every pledge is ticked until the applicant changes the selection.
  const selected = chosen ?? new Set((pledges.data?.items ?? []).map((p) => p.slug));
  const errors = fieldErrors(problem?.errors);
  const set = (k: keyof Form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  useEffect(() => {
    if (problem?.errors?.length) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [problem]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const body: ApplicationInput = {
      ...form,
      org_name: form.org_name.trim(),
      country: form.country.trim(),
      sector: form.sector.trim(),
      size_band: form.size_band as SizeBand,
      website: form.website.trim(),
      contact_name: form.contact_name.trim(),
      contact_email: form.contact_email.trim(),
      psirt_contact: orNull(form.psirt_contact),
      cvd_policy_url: orNull(form.cvd_policy_url),
      security_txt_url: orNull(form.security_txt_url),
      pledges: (pledges.data?.items ?? []).map((p) => p.slug).filter((s) => selected.has(s)),
    };
    try {
      setReceipt(await api<ApplicationReceipt>('/api/v1/applications', { method: 'POST', body }));
      window.scrollTo(0, 0);
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  if (receipt) return <Submitted receipt={receipt} rule={rule.data} onAgain={() => (setReceipt(null), setForm(EMPTY))} />;

  // Errors for no field of this form (say, a request-level problem) are listed in the summary instead.
  const unplaced = (problem?.errors ?? []).filter((e) => !FIELDS.has(e.path.split('/')[1] ?? ''));
  return (
    <>
      <PageHeader
        title="Apply to join the accord"
        subtitle="Organisations of any size and sector may apply. The secretariat reviews each application, member organisations sponsor it, and then members vote."
      />
      <div className="layout-aside">
        <form ref={formRef} className="layout-main form" onSubmit={(e) => void submit(e)} noValidate aria-label="Application">
          {problem && (
            <div className="form-alert">
              {problem.errors?.length ? (
                <Alert kind="error" title={`${problem.errors.length === 1 ? 'One field needs' : `${problem.errors.length} fields need`} attention`}>
                  <span data-testid="problem-detail">{problem.detail}</span> The fields are marked below.
                  {unplaced.length > 0 && (
                    <ul className="alert-list">
                      {unplaced.map((e, i) => (
                        <li key={i}>
                          <code>{e.path || '(request)'}</code> {e.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </Alert>
              ) : (
                <ProblemAlert problem={problem} />
              )}
            </div>
          )}
          <Card title="Organisation">
            <div className="form-grid">
              <TextField label="Organisation name" name="org_name" required value={form.org_name} onChange={set('org_name')} error={errors.org_name} maxLength={200} autoComplete="organization" />
              <TextField label="Website" name="website" type="url" required value={form.website} onChange={set('website')} error={errors.website} placeholder="https://example.com" />
              <TextField
                label="Country"
                name="country"
                required
                value={form.country}
                onChange={(v) => set('country')(v.toUpperCase())}
                error={errors.country}
                maxLength={2}
                hint="ISO 3166-1 alpha-2 code, e.g. DE, US, JP"
                mono
              />
              <TextField label="Sector" name="sector" required value={form.sector} onChange={set('sector')} error={errors.sector} maxLength={100} placeholder="e.g. Cloud services" />
              <SelectField
                label="Size"
                name="size_band"
                required
                value={form.size_band}
                onChange={set('size_band')}
                error={errors.size_band}
                placeholder="Choose…"
                options={SIZE_BANDS.map((b) => ({ value: b, label: SIZE_BAND_LABELS[b] }))}
              />
            </div>
          </Card>
          <Card title="Security contacts" className="mt">
            <div className="form-grid">
              <TextField label="Contact name" name="contact_name" required value={form.contact_name} onChange={set('contact_name')} error={errors.contact_name} autoComplete="name" />
              <TextField
                label="Contact e-mail"
                name="contact_email"
                type="email"
                required
                value={form.contact_email}
                onChange={set('contact_email')}
                error={errors.contact_email}
                autoComplete="email"
                hint="Seen by the secretariat only. On admission, the invitation for your first account goes here."
              />
              <TextField label="PSIRT contact" name="psirt_contact" value={form.psirt_contact} onChange={set('psirt_contact')} error={errors.psirt_contact} hint="An e-mail address or the URL of a reporting form" />
              <TextField label="CVD policy URL" name="cvd_policy_url" type="url" value={form.cvd_policy_url} onChange={set('cvd_policy_url')} error={errors.cvd_policy_url} />
              <TextField label="security.txt URL" name="security_txt_url" type="url" value={form.security_txt_url} onChange={set('security_txt_url')} error={errors.security_txt_url} placeholder="https://example.com/.well-known/security.txt" />
            </div>
          </Card>
          <Card title="Commitment" className="mt">
            <fieldset className={`fieldset ${errors.pledges ? 'field-invalid' : ''}`} aria-describedby={errors.pledges ? 'pledges-error' : undefined}>
              <legend className="field-label">Pledges you endorse on admission</legend>
              {!pledges.data && !pledges.error && <Loading />}
              {pledges.error && <ProblemAlert problem={pledges.error} />}
              <div className="checks">
                {(pledges.data?.items ?? []).map((p) => (
                  <label key={p.slug} className="check">
                    <input
                      type="checkbox"
                      checked={selected.has(p.slug)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(p.slug);
                        else next.delete(p.slug);
                        setChosen(next);
                      }}
                    />
                    <span>
                      <span className="check-title">
                        {p.title} {p.kind === 'commitment' && <span className="badge">commitment</span>}
                      </span>
                      <span className="check-desc">{p.description}</span>
                    </span>
                  </label>
                ))}
              </div>
              {errors.pledges && (
                <div id="pledges-error" className="field-error">
                  {errors.pledges}
                </div>
              )}
            </fieldset>
            <TextArea
              label="Why do you want to join?"
              name="motivation"
              required
              rows={5}
              value={form.motivation}
              onChange={set('motivation')}
              error={errors.motivation}
              maxLength={8000}
              hint="What you will contribute: threat intelligence, coordinated disclosure, signed releases, advisories."
            />
          </Card>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Submitting…' : 'Submit application'}
            </button>
            <span className="muted">Fields marked * are required.</span>
          </div>
        </form>
        <aside className="layout-side">
          <Card title="How admission works">
            <ol className="steps">
              <li>
                <strong>Review.</strong> The secretariat checks the application.
              </li>
              <li>
                <strong>Sponsorship.</strong> {rule.data ? `${rule.data.sponsors_needed} member organisation${rule.data.sponsors_needed === 1 ? '' : 's'} must` : 'Member organisations'} sponsor it.
              </li>
              <li>
                <strong>Vote.</strong> Members vote for {rule.data ? `${rule.data.voting_days} days` : 'a fixed period'}
                {rule.data && `; at least ${Math.round(rule.data.quorum * 100)}% must take part and more than ${Math.round(rule.data.majority * 100)}% of yes/no votes must be yes`}.
              </li>
              <li>
                <strong>Admission.</strong> Your contact receives an invitation to create the first account.
              </li>
            </ol>
          </Card>
        </aside>
      </div>
    </>
  );
}

function Submitted({ receipt, rule, onAgain }: { receipt: ApplicationReceipt; rule: VotingRule | undefined; onAgain: () => void }) {
  return (
    <div className="narrow">
      <div className="success-panel" data-testid="application-success">
        <div className="success-icon" aria-hidden="true">
          ✓
        </div>
        <h1 className="page-title">Application received</h1>
        <p>Keep this reference; the secretariat will quote it when it contacts you.</p>
        <div className="receipt">
          <span className="receipt-label">Application ID</span>
          <code className="receipt-id" data-testid="application-id">
            {receipt.id}
          </code>
          <CopyButton text={receipt.id} />
        </div>
        <p className="muted">
          Status <strong>{receipt.status}</strong> · submitted {dateTime(receipt.submitted_at)}
          {rule && ` · the vote, once opened, runs ${rule.voting_days} days`}
        </p>
        <div className="form-actions center">
          <Link to="/" className="btn">
            Back to the directory
          </Link>
          <button type="button" className="btn btn-ghost" onClick={onAgain}>
            Submit another application
          </button>
        </div>
      </div>
    </div>
  );
}
