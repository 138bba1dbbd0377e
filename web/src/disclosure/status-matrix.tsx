import { useState, type FormEvent } from 'react';
import type { CaseView, CaseVulnerability, NotAffectedJustification, VendorStatus, VendorStatusInput, VendorStatusValue } from '../../../src/http/api-types.js';
import { ProblemAlert } from '../components/alert.js';
import { Empty } from '../components/page.js';
import { dateTime } from '../format.js';
import { VendorStatusBadge } from './badges.js';
import { Icon } from './icons.js';
import { JUSTIFICATION_LABELS, STATUS_LABELS, VENDOR_STATUSES } from './labels.js';
import { useAction } from './use-action.js';
import type { CaseAct } from './use-case.js';
import { VulnerabilityForm } from './vulnerability-form.js';

/** "V1 · CVE-2026-31337" — a vulnerability's column heading. */
function vulnLabel(v: CaseVulnerability, i: number): string {
  return v.cve ?? `V${i + 1}`;
}

/**
 * Vendors × vulnerabilities: each vendor's status where the viewer may see it.
 * Statuses a vendor did not share reach only the coordinator and that vendor;
 * for everyone else the cell is simply empty, exactly as for no status.
 */
export function StatusMatrix({ view }: { view: CaseView }) {
  const vendors = view.participants.filter((p) => p.kind === 'vendor');
  const vulns = view.vulnerabilities;
  if (vulns.length === 0) return <Empty>The coordinator has not described a vulnerability yet.</Empty>;
  if (vendors.length === 0) return <Empty>No vendor takes part yet.</Empty>;
  const statusOf = (vendorId: string, vulnId: string): VendorStatus | undefined => view.statuses.find((s) => s.participant_id === vendorId && s.vulnerability_id === vulnId);
  return (
    <div className="matrix-wrap">
      <table className="table matrix" aria-label="Vendor status by vulnerability" data-testid="status-matrix">
        <thead>
          <tr>
            <th>Vendor</th>
            {vulns.map((v, i) => (
              <th key={v.id} title={v.title} className="matrix-col">
                <span className="mono">{vulnLabel(v, i)}</span>
                <span className="matrix-col-title">{v.title}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {vendors.map((p) => (
            <tr key={p.id} data-testid="matrix-row" data-vendor={p.name}>
              <th scope="row" className="matrix-vendor">
                {p.name}
                {p.is_you && <span className="badge badge-you">you</span>}
              </th>
              {vulns.map((v) => {
                const s = statusOf(p.id, v.id);
                return (
                  <td key={v.id} className="matrix-cell" data-vulnerability={v.id}>
                    {s ? (
                      <div className="matrix-status" title={[s.statement, s.justification ? JUSTIFICATION_LABELS[s.justification] : null, `updated ${dateTime(s.updated_at)}`].filter(Boolean).join('\n')}>
                        <VendorStatusBadge status={s.status} shared={s.shared} />
                        {s.versions && <span className="cell-sub">{s.versions}</span>}
                        {s.justification && <span className="cell-sub">{JUSTIFICATION_LABELS[s.justification]}</span>}
                      </div>
                    ) : (
                      <span className="muted small" aria-label="no status">
                        —
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="card-note">
        <Icon name="lock" size={11} /> not shared: seen only by the coordinator and that vendor. A status that was not shared with you is shown as “—”, like no status at all.
      </p>
    </div>
  );
}

/** The vulnerabilities in full, with the coordinator's edit. */
export function VulnerabilityList({ view, act, onChange }: { view: CaseView; act: CaseAct; onChange: () => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const coordinator = view.you.some((y) => y.kind === 'coordinator') && view.status === 'open';
  if (view.vulnerabilities.length === 0) return null;
  return (
    <ol className="vuln-list">
      {view.vulnerabilities.map((v, i) => (
        <li key={v.id} className="vuln" data-testid="vulnerability">
          {editing === v.id ? (
            <VulnerabilityForm
              act={act}
              existing={v}
              onDone={() => {
                setEditing(null);
                onChange();
              }}
              onCancel={() => setEditing(null)}
            />
          ) : (
            <>
              <div className="vuln-head">
                <span className="mono vuln-id">{vulnLabel(v, i)}</span>
                <strong className="vuln-title">{v.title}</strong>
                {coordinator && (
                  <button type="button" className="btn btn-sm btn-ghost" onClick={() => setEditing(v.id)}>
                    Edit
                  </button>
                )}
              </div>
              <div className="vuln-meta">
                {v.cwe && (
                  <span>
                    <span className="mono">{v.cwe.id}</span> {v.cwe.name}
                  </span>
                )}
                {v.cvss && (
                  <span className="mono small" title={`CVSS ${v.cvss.version}`}>
                    {v.cvss.vector}
                  </span>
                )}
              </div>
              <p className="prose small">{v.description}</p>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

/** A vendor's own status for one vulnerability; "share" lets the other participants see it. */
export function OwnStatusForm({ view, act, onChange }: { view: CaseView; act: CaseAct; onChange: () => void }) {
  const me = view.you.find((y) => y.kind === 'vendor');
  const [picked, setVulnId] = useState(view.vulnerabilities[0]?.id ?? '');
  const vulnId = view.vulnerabilities.some((v) => v.id === picked) ? picked : (view.vulnerabilities[0]?.id ?? '');
  // Kept here, not in the fields: they remount after a save, and the outcome should stay visible.
  const action = useAction();
  if (!me || view.vulnerabilities.length === 0 || view.status !== 'open') return null;
  const current = view.statuses.find((s) => s.participant_id === me.participant_id && s.vulnerability_id === vulnId);
  return (
    <div className="own-status">
      {view.vulnerabilities.length > 1 && (
        <label className="toolbar-select own-status-vuln">
          <span className="toolbar-label">Vulnerability</span>
          <select className="input select" value={vulnId} onChange={(e) => setVulnId(e.target.value)}>
            {view.vulnerabilities.map((v, i) => (
              <option key={v.id} value={v.id}>
                {vulnLabel(v, i)} · {v.title}
              </option>
            ))}
          </select>
        </label>
      )}
      {/* Remount per vulnerability (and after a save) so the fields start from that status. */}
      <StatusFields key={`${vulnId}:${current?.updated_at ?? ''}`} vulnId={vulnId} current={current} act={act} onChange={onChange} action={action} />
    </div>
  );
}

function StatusFields({ vulnId, current, act, onChange, action }: { vulnId: string; current: VendorStatus | undefined; act: CaseAct; onChange: () => void; action: ReturnType<typeof useAction> }) {
  const [status, setStatus] = useState<VendorStatusValue>(current?.status ?? 'under_investigation');
  const [justification, setJustification] = useState<NotAffectedJustification | ''>(current?.justification ?? '');
  const [versions, setVersions] = useState(current?.versions ?? '');
  const [statement, setStatement] = useState(current?.statement ?? '');
  const [shared, setShared] = useState(current?.shared ?? false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: VendorStatusInput = {
      status,
      justification: status === 'not_affected' && justification ? justification : null,
      versions: versions.trim() || null,
      statement: statement.trim() || null,
      shared,
    };
    void action.run(async () => {
      await act('PUT', `/vulnerabilities/${vulnId}/status`, body);
      onChange();
    }, shared ? 'Status saved and shared with the participants.' : 'Status saved; only the coordinator sees it.');
  };

  return (
    <form className="stack" onSubmit={submit} aria-label="Your status">
      <div className="status-choices" role="radiogroup" aria-label="Status">
        {VENDOR_STATUSES.map((s) => (
          <label key={s} className={`status-choice ${status === s ? 'status-choice-on' : ''}`}>
            <input type="radio" name={`status-${vulnId}`} value={s} checked={status === s} onChange={() => setStatus(s)} />
            {STATUS_LABELS[s]}
          </label>
        ))}
      </div>
      <div className="form-grid form-grid-tight">
        {status === 'not_affected' && (
          <label className="field span-2">
            <span className="field-label">Justification</span>
            <select className="input select" value={justification} onChange={(e) => setJustification(e.target.value as NotAffectedJustification | '')}>
              <option value="">No justification given</option>
              {(Object.keys(JUSTIFICATION_LABELS) as NotAffectedJustification[]).map((j) => (
                <option key={j} value={j}>
                  {JUSTIFICATION_LABELS[j]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">
            {status === 'fixed' ? 'Fixed in' : 'Versions'}
            <span className="field-optional">optional</span>
          </span>
          <input className="input" value={versions} maxLength={300} onChange={(e) => setVersions(e.target.value)} placeholder={status === 'fixed' ? '2.5' : '2.0 – 2.4'} />
        </label>
        <label className="field">
          <span className="field-label">
            Statement<span className="field-optional">optional</span>
          </span>
          <input className="input" value={statement} maxLength={4000} onChange={(e) => setStatement(e.target.value)} placeholder="Fix due in four weeks." />
        </label>
      </div>
      <label className="check share-check">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
        <span>
          <span className="check-title">Share with the other participants</span>
          <span className="check-desc">Unshared, only the coordinator sees your status. Other vendors and the reporter see shared statuses.</span>
        </span>
      </label>
      {action.problem && <ProblemAlert problem={action.problem} />}
      <div className="button-row">
        <button type="submit" className="btn btn-sm btn-primary" disabled={action.busy}>
          {current ? 'Update status' : 'Set status'}
        </button>
        {current && (
          <span className="muted small">
            Now: <VendorStatusBadge status={current.status} shared={current.shared} /> since {dateTime(current.updated_at)}
          </span>
        )}
        {action.done && !action.problem && (
          <span className="action-done" role="status">
            ✓ {action.done}
          </span>
        )}
      </div>
    </form>
  );
}
