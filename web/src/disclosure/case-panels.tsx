import { useState, type FormEvent } from 'react';
import type { AddedParticipant, CaseFact, CaseView, Page, ReportState, SignatoryView } from '../../../src/http/api-types.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { SecretBox } from '../components/copy-button.js';
import { dateTime, day } from '../format.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { KindPill, ReportStatePill } from './badges.js';
import { formatBytes, refuseFile, toUpload } from './files.js';
import { Icon } from './icons.js';
import { ALARM_FACTS, FACTS, FACTS_BY_KIND, FACT_HINTS, FACT_LABELS, NEXT_REPORT_STATES } from './labels.js';
import { useAction } from './use-action.js';
import { downloadAttachment, type CaseAct } from './use-case.js';
import { VulnerabilityForm } from './vulnerability-form.js';

/** Who takes part; report states and addresses appear where the viewer may see them. */
export function Participants({ view }: { view: CaseView }) {
  const order = { coordinator: 0, reporter: 1, vendor: 2, stakeholder: 3 } as const;
  const rows = [...view.participants].sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
  return (
    <table className="table participants" aria-label="Participants" data-testid="participants">
      <thead>
        <tr>
          <th>Role</th>
          <th>Name</th>
          <th>Report</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.id} data-testid="participant" className={p.is_you ? 'row-you' : undefined}>
            <td>
              <KindPill kind={p.kind} />
            </td>
            <td className="cell-participant">
              <span className="participant-name">{p.name}</span>
              {p.is_you && <span className="badge badge-you">you</span>}
              {p.email && <span className="cell-sub">{p.email}</span>}
            </td>
            <td>
              <ReportStatePill state={p.report_state} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The viewer's own report state (Vultron RM) and its next steps. */
export function MyReportState({ view, act, onChange }: { view: CaseView; act: CaseAct; onChange: () => void }) {
  const me = view.you[0];
  const action = useAction();
  if (!me) return null;
  const next = view.status === 'open' ? NEXT_REPORT_STATES[me.report_state] : [];
  return (
    <div className="my-state">
      <div className="my-state-now">
        You take part as <KindPill kind={me.kind} /> · your report is <ReportStatePill state={me.report_state} />
      </div>
      {next.length > 0 && (
        <div className="button-row">
          <span className="muted small">Move to</span>
          {next.map((s: ReportState) => (
            <button
              key={s}
              type="button"
              className={`btn btn-sm ${s === 'invalid' || s === 'closed' ? 'btn-danger-outline' : ''}`}
              disabled={action.busy}
              onClick={() =>
                void action.run(async () => {
                  await act('PUT', '/report-state', { state: s });
                  onChange();
                })
              }
            >
              {s}
            </button>
          ))}
        </div>
      )}
      {action.problem && <ProblemAlert problem={action.problem} />}
    </div>
  );
}

/** Case facts with when each became true, and the viewer's buttons to assert the others. */
export function Facts({ view, act, onChange }: { view: CaseView; act: CaseAct; onChange: () => void }) {
  const may = new Set(view.status === 'open' ? view.you.flatMap((y) => FACTS_BY_KIND[y.kind]) : []);
  const [confirm, setConfirm] = useState<CaseFact | null>(null);
  const action = useAction();
  const assert = (f: CaseFact) =>
    void action.run(async () => {
      await act('POST', '/facts', { fact: f });
      setConfirm(null);
      onChange();
    });
  return (
    <>
      <ul className="facts" data-testid="facts">
        {FACTS.map((f) => {
          const at = view.facts[f];
          const embargoEnding = (f === 'public' || f === 'exploit_public') && (view.embargo.state === 'active' || view.embargo.state === 'revise');
          return (
            <li key={f} className={`fact ${at ? (ALARM_FACTS.has(f) ? 'fact-alarm' : 'fact-on') : 'fact-off'}`} data-fact={f} data-set={at !== null}>
              <span className="fact-mark" aria-hidden="true">
                {at ? <Icon name="check" size={12} /> : null}
              </span>
              <span className="fact-main">
                <span className="fact-label" title={FACT_HINTS[f]}>
                  {FACT_LABELS[f]}
                </span>
                <span className="fact-at tnum">{at ? dateTime(at) : 'not yet'}</span>
              </span>
              {!at && may.has(f) && confirm !== f && (
                <button type="button" className="btn btn-sm" disabled={action.busy} onClick={() => (embargoEnding ? setConfirm(f) : assert(f))}>
                  Assert
                </button>
              )}
              {confirm === f && (
                <span className="fact-confirm">
                  <span className="small text-red">Ends the embargo now.</span>
                  <button type="button" className="btn btn-sm btn-danger" disabled={action.busy} onClick={() => assert(f)}>
                    Assert
                  </button>
                  <button type="button" className="btn btn-sm" onClick={() => setConfirm(null)}>
                    Cancel
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {action.problem && <ProblemAlert problem={action.problem} />}
    </>
  );
}

/** Proof material: who may see it is the server's call (coordinator, vendors, and the uploader). */
export function Attachments({ view, act, onChange, link }: { view: CaseView; act: CaseAct; onChange: () => void; link: string | null }) {
  const { state } = useSession();
  const token = state.status === 'signed-in' ? state.token : null;
  const names = new Map(view.participants.map((p) => [p.id, p.name]));
  const action = useAction();
  const download = useAction();
  const [fileError, setFileError] = useState<string | null>(null);

  const upload = (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    const refused = refuseFile(file);
    setFileError(refused);
    if (refused) return;
    void action.run(async () => {
      await act('POST', '/attachments', await toUpload(file));
      onChange();
    }, `${file.name} attached.`);
  };

  return (
    <div className="attachments">
      {view.attachments.length === 0 ? (
        <p className="muted small">No attachment{view.you.some((y) => y.kind === 'coordinator' || y.kind === 'vendor') ? '' : ' you may see'}.</p>
      ) : (
        <ul className="file-list" aria-label="Attachments" data-testid="attachments">
          {view.attachments.map((a) => (
            <li key={a.id} className="file-item">
              <Icon name="clip" size={13} />
              <div className="file-main">
                <button
                  type="button"
                  className="link-button mono file-link"
                  title={`Download ${a.filename} (${a.media_type})`}
                  onClick={() => void download.run(() => downloadAttachment(view.id, a.id, a.filename, { token, link }))}
                >
                  {a.filename}
                </button>
                <span className="cell-sub">
                  {formatBytes(a.size)} · {names.get(a.participant_id) ?? 'a participant'} · {day(a.created_at)}
                </span>
                <span className="cell-sub mono" title={`SHA-256 ${a.sha256}`}>
                  sha256 {a.sha256.slice(0, 16)}…
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
      {download.problem && <ProblemAlert problem={download.problem} />}
      {view.status === 'open' && (
        <div className="upload-row">
          <label className="btn btn-sm file-button">
            {action.busy ? 'Uploading…' : 'Attach a file…'}
            <input
              type="file"
              className="visually-hidden-input"
              aria-label="Attach a file"
              disabled={action.busy}
              onChange={(e) => {
                upload(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
          <span className="muted small">at most 5 MiB; offered only as a download</span>
        </div>
      )}
      {fileError && (
        <div className="field-error" role="alert">
          {fileError}
        </div>
      )}
      {action.problem && <ProblemAlert problem={action.problem} />}
      {action.done && !action.problem && <p className="action-done">✓ {action.done}</p>}
    </div>
  );
}

/** The coordinator's tools: bring in vendors or stakeholders, describe vulnerabilities, close the case. */
export function CoordinatorTools({ view, act, onChange, now }: { view: CaseView; act: CaseAct; onChange: () => void; now: number }) {
  const sigs = useApi<Page<SignatoryView>>('/api/v1/signatories?limit=500');
  const [tab, setTab] = useState<'participant' | 'vulnerability' | 'close'>('participant');
  const [kind, setKind] = useState<'vendor' | 'stakeholder'>('vendor');
  const [by, setBy] = useState<'org' | 'email'>('org');
  const [org, setOrg] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [added, setAdded] = useState<{ name: string; secret: string } | null>(null);
  const addAction = useAction();
  const closeAction = useAction();
  const taken = new Set(view.participants.filter((p) => p.kind === kind).map((p) => p.org_id));
  const orgs = (sigs.data?.items ?? []).filter((s) => !taken.has(s.org.id)).sort((a, b) => a.org.name.localeCompare(b.org.name));
  const holds = (view.embargo.state === 'active' || view.embargo.state === 'revise') && view.embargo.end_at !== null && Date.parse(view.embargo.end_at) > now;

  const add = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    void addAction.run(async () => {
      const r = await act<AddedParticipant>('POST', '/participants', by === 'org' ? { kind, org } : { kind, email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
      if (r.link_secret) setAdded({ name: r.participant.name, secret: `${window.location.origin}/cases/${view.id}#link=${r.link_secret}` });
      setOrg('');
      setEmail('');
      setName('');
      onChange();
    }, 'Added.');
  };

  return (
    <div className="coord-tools" data-testid="coordinator-tools">
      <div className="tabs tabs-compact" role="tablist" aria-label="Coordinator tools">
        {(
          [
            ['participant', 'Add participant'],
            ['vulnerability', 'Add vulnerability'],
            ['close', 'Close case'],
          ] as const
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={`tab tab-button ${tab === id ? 'active' : ''}`} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>

      {tab === 'participant' && (
        <form className="stack" onSubmit={add} aria-label="Add a participant">
          <div className="form-grid form-grid-tight">
            <label className="field">
              <span className="field-label">As</span>
              <select className="input select" value={kind} onChange={(e) => setKind(e.target.value as 'vendor' | 'stakeholder')}>
                <option value="vendor">Vendor</option>
                <option value="stakeholder">Stakeholder</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">Who</span>
              <select className="input select" value={by} onChange={(e) => setBy(e.target.value as 'org' | 'email')}>
                <option value="org">A signatory</option>
                <option value="email">Someone else, by e-mail</option>
              </select>
            </label>
            {by === 'org' ? (
              <label className="field span-2">
                <span className="field-label">Signatory</span>
                <select className="input select" value={org} required onChange={(e) => setOrg(e.target.value)}>
                  <option value="">Choose…</option>
                  {orgs.map((s) => (
                    <option key={s.org.slug} value={s.org.slug}>
                      {s.org.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              <>
                <label className="field">
                  <span className="field-label">E-mail</span>
                  <input className="input" type="email" required value={email} maxLength={320} onChange={(e) => setEmail(e.target.value)} />
                </label>
                <label className="field">
                  <span className="field-label">
                    Name<span className="field-optional">optional</span>
                  </span>
                  <input className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
                </label>
              </>
            )}
          </div>
          {addAction.problem && <ProblemAlert problem={addAction.problem} fieldErrors />}
          <div className="button-row">
            <button type="submit" className="btn btn-sm btn-primary" disabled={addAction.busy || (by === 'org' ? !org : !email.trim())}>
              Add {kind}
            </button>
            {addAction.done && !addAction.problem && !added && <span className="action-done">✓ {addAction.done}</span>}
          </div>
          {added && (
            <div className="stack" data-testid="outsider-link">
              <Alert kind="warning" title={`Case link for ${added.name}: shown once`}>
                Send it to them over a channel you trust. Anyone with the link reads the case as this participant; it cannot be shown again.
              </Alert>
              <SecretBox label="Their secret case link" value={added.secret} />
            </div>
          )}
        </form>
      )}

      {tab === 'vulnerability' && <VulnerabilityForm act={act} onDone={onChange} />}

      {tab === 'close' && (
        <div className="stack">
          {holds ? (
            <p className="small">The case is under embargo until {dateTime(view.embargo.end_at)}; it closes after the embargo ends (or is terminated).</p>
          ) : (
            <p className="small">Closing makes the case read-only for every participant. It stays readable to them.</p>
          )}
          {closeAction.problem && <ProblemAlert problem={closeAction.problem} />}
          <div>
            <button
              type="button"
              className="btn btn-sm btn-danger-outline"
              disabled={holds || closeAction.busy}
              onClick={() =>
                void closeAction.run(async () => {
                  await act('POST', '/close');
                  onChange();
                })
              }
            >
              Close the case
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
