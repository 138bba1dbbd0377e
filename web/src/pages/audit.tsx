import { useState } from 'react';
import type { AuditEvent } from '../../../src/http/api-types.js';
import { query } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { Empty, Loading, PageHeader } from '../components/page.js';
import { RequireSignIn } from '../components/require-sign-in.js';
import { dateTime, shortId } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { abilities, useSession } from '../session.js';
import { useOrgNames } from '../use-org-names.js';
import { usePaged } from '../use-paged.js';

/** The event types the registry records (src/events.ts); the filter matches a type exactly. */
const TYPES = [
  'coalition.initialised',
  'org.created',
  'org.updated',
  'org.status_changed',
  'key.added',
  'key.revoked',
  'pledge.created',
  'pledge.endorsed',
  'pledge.withdrawn',
  'user.created',
  'user.updated',
  'token.created',
  'token.revoked',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'application.submitted',
  'application.sponsored',
  'application.voting_opened',
  'application.vote_cast',
  'application.admitted',
  'application.rejected',
  'settings.voting_rule_changed',
];

const TONE: Record<string, string> = { application: 'blue', org: 'green', pledge: 'purple', user: 'gray', token: 'gray', invitation: 'amber', key: 'amber', settings: 'red' };

export function AuditPage() {
  return (
    <RequireSignIn why="The audit trail is for the secretariat.">
      <Audit />
    </RequireSignIn>
  );
}

function Audit() {
  const { me } = useSession();
  const { search } = useLocation();
  const type = search.get('type') ?? '';
  const subject = search.get('subject') ?? '';
  const [subjectDraft, setSubjectDraft] = useState(subject);
  const { names } = useOrgNames();
  const isAdmin = abilities(me).isAdmin;
  const list = usePaged<AuditEvent>(
    isAdmin ? (before) => `/api/v1/audit${query({ type: type || undefined, subject_id: subject || undefined, before, limit: 100 })}` : null,
    [type, subject, isAdmin],
  );

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    navigate(qs ? `/audit?${qs}` : '/audit', { replace: true });
  };

  if (!isAdmin) return <Alert kind="info" title="Secretariat only">The audit trail is visible to the coalition secretariat's admins.</Alert>;

  return (
    <>
      <PageHeader title="Audit trail" subtitle="Every state change in the registry, newest first: who did what, when and why." />
      <div className="toolbar">
        <label className="toolbar-select">
          <span className="toolbar-label">Event type</span>
          <select className="input select" value={type} onChange={(e) => setParam('type', e.target.value)}>
            <option value="">All events</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <form
          className="toolbar-inline"
          onSubmit={(e) => {
            e.preventDefault();
            setParam('subject', subjectDraft.trim());
          }}
        >
          <label className="toolbar-select">
            <span className="toolbar-label">Subject ID</span>
            <input className="input mono" value={subjectDraft} onChange={(e) => setSubjectDraft(e.target.value)} placeholder="uuid" size={38} />
          </label>
          <button type="submit" className="btn btn-sm">
            Apply
          </button>
        </form>
        {(type || subject) && (
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            onClick={() => {
              setSubjectDraft('');
              navigate('/audit', { replace: true });
            }}
          >
            Clear filters
          </button>
        )}
      </div>
      {list.error && <ProblemAlert problem={list.error} />}
      <div className="table-wrap">
        <table className="table" aria-label="Audit events">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Time (UTC)</th>
              <th>Event</th>
              <th>Actor</th>
              <th>Subject</th>
              <th>Reason</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => {
              const area = e.type.split('.')[0] ?? '';
              return (
                <tr key={e.id} data-testid="audit-row">
                  <td className="num tnum muted">{e.id}</td>
                  <td className="tnum nowrap">{dateTime(e.at).replace(' UTC', '')}</td>
                  <td>
                    <button type="button" className={`event-type tone-${TONE[area] ?? 'gray'}`} onClick={() => setParam('type', e.type)} title="Show only this type">
                      {e.type}
                    </button>
                  </td>
                  <td className="nowrap">
                    {e.actor_org_id ? (names.get(e.actor_org_id)?.name ?? <span className="mono">{shortId(e.actor_org_id)}</span>) : <span className="muted">system</span>}
                    {e.actor_user_id && (
                      <span className="cell-sub mono" title={e.actor_user_id}>
                        user {shortId(e.actor_user_id)}
                      </span>
                    )}
                  </td>
                  <td className="nowrap">
                    <span className="muted">{e.subject_type} </span>
                    {e.subject_type === 'application' ? (
                      <Link to={`/applications/${e.subject_id}`} className="mono" title={e.subject_id}>
                        {shortId(e.subject_id)}
                      </Link>
                    ) : e.subject_type === 'org' && names.get(e.subject_id) ? (
                      <Link to={`/signatories/${names.get(e.subject_id)!.slug}`}>{names.get(e.subject_id)!.name}</Link>
                    ) : (
                      <span className="mono" title={e.subject_id}>
                        {e.subject_id.length > 12 ? shortId(e.subject_id) : e.subject_id}
                      </span>
                    )}
                  </td>
                  <td className="cell-reason">{e.reason ?? <span className="muted">—</span>}</td>
                  <td className="cell-data">
                    <DataCell data={e.data} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {list.loading && list.items.length === 0 && <Loading />}
        {!list.loading && list.items.length === 0 && !list.error && <Empty>No events match.</Empty>}
        {list.hasMore && (
          <div className="table-footer">
            <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loading}>
              Load older events
            </button>
          </div>
        )}
      </div>
    </>
  );
}

function DataCell({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="kv">
      {entries.map(([k, v]) => (
        <span key={k} className="kv-item">
          <span className="kv-key">{k}</span>=<span className="kv-val" title={typeof v === 'string' ? v : undefined}>{compact(v)}</span>
        </span>
      ))}
    </span>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids shortened to their first 8 characters (full value on hover); long text cut. */
function compact(v: unknown): string {
  if (typeof v === 'string') return UUID.test(v) ? shortId(v) : v.length > 40 ? `${v.slice(0, 36)}…` : v;
  return JSON.stringify(v);
}
