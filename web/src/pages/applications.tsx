import type { Application, ApplicationStatus } from '../../../src/http/api-types.js';
import { query } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { Empty, Loading, PageHeader } from '../components/page.js';
import { DemoBadge, StatusPill } from '../components/pills.js';
import { RequireSignIn } from '../components/require-sign-in.js';
import { countryName, day, relative } from '../format.js';
import { Link, useLocation } from '../router.js';
import { abilities, useSession } from '../session.js';
import { usePaged } from '../use-paged.js';

const TABS: { id: string; label: string; statuses: ApplicationStatus[] }[] = [
  { id: 'open', label: 'Open', statuses: ['submitted', 'voting'] },
  { id: 'submitted', label: 'Submitted', statuses: ['submitted'] },
  { id: 'voting', label: 'Voting', statuses: ['voting'] },
  { id: 'admitted', label: 'Admitted', statuses: ['admitted'] },
  { id: 'rejected', label: 'Rejected', statuses: ['rejected'] },
  { id: 'all', label: 'All', statuses: [] },
];

export function ApplicationsPage() {
  return (
    <RequireSignIn why="Applications are seen by the secretariat and by member organisations, who decide on them.">
      <Applications />
    </RequireSignIn>
  );
}

function Applications() {
  const { me } = useSession();
  const can = abilities(me);
  const { search } = useLocation();
  const tab = TABS.find((t) => t.id === search.get('status')) ?? TABS[0]!;
  const list = usePaged<Application>((cursor) => `/api/v1/applications${query({ status: tab.statuses, cursor, limit: 50 })}`, [tab.id]);

  return (
    <>
      <PageHeader
        title="Applications"
        subtitle={
          can.isAdmin
            ? 'Review applications, open votes once members sponsor them, and record decisions.'
            : can.canDecide
              ? 'Sponsor applications on behalf of your organisation and cast its vote.'
              : 'Applications to join the accord. Org-admins of member organisations sponsor and vote.'
        }
      />
      <nav className="tabs" aria-label="Filter by status">
        {TABS.map((t) => (
          <Link key={t.id} to={t.id === 'open' ? '/applications' : `/applications?status=${t.id}`} className={`tab ${t.id === tab.id ? 'active' : ''}`} aria-current={t.id === tab.id ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {list.error && <ProblemAlert problem={list.error} />}
      <div className="table-wrap">
        <table className="table" aria-label="Applications">
          <thead>
            <tr>
              <th>Organisation</th>
              <th>Country</th>
              <th>Sector</th>
              <th>Size</th>
              <th>Status</th>
              <th>Submitted</th>
              <th>Vote / decision</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr key={a.id} data-testid="application-row">
                <td className="cell-name">
                  <Link to={`/applications/${a.id}`} className="row-link">
                    {a.org_name}
                  </Link>
                  {a.demo && <DemoBadge />}
                </td>
                <td title={countryName(a.country)}>
                  <span className="mono">{a.country}</span>
                </td>
                <td>{a.sector}</td>
                <td className="nowrap">{a.size_band}</td>
                <td>
                  <StatusPill status={a.status} />
                </td>
                <td className="tnum nowrap">{day(a.submitted_at)}</td>
                <td className="nowrap">
                  {a.status === 'voting' && a.voting_closes_at ? (
                    <span title={a.voting_closes_at}>closes {relative(a.voting_closes_at)}</span>
                  ) : a.decided_at ? (
                    <span className="tnum">{day(a.decided_at)}</span>
                  ) : (
                    <span className="muted">awaiting sponsors</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.loading && list.items.length === 0 && <Loading />}
        {!list.loading && list.items.length === 0 && !list.error && <Empty>No {tab.id === 'all' ? '' : `${tab.label.toLowerCase()} `}applications.</Empty>}
        {list.hasMore && (
          <div className="table-footer">
            <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loading}>
              Load more
            </button>
          </div>
        )}
      </div>
    </>
  );
}
