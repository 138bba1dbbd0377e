import { useMemo } from 'react';
import type { CaseSummary, EmbargoState, ParticipantKind } from '../../../src/http/api-types.js';
import { query } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { Empty, Loading, PageHeader } from '../components/page.js';
import { RequireSignIn } from '../components/require-sign-in.js';
import { day, relative } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { usePaged } from '../use-paged.js';
import { CaseStatusPill, EmbargoCell, FactBadges, KindPill, ReportStatePill } from '../disclosure/badges.js';
import { timeLeft, useNow } from '../disclosure/countdown.js';
import { EMBARGO_LABELS, KIND_LABELS } from '../disclosure/labels.js';

const PAGE = 50;
const STATUSES = { open: 'Open', closed: 'Closed', all: 'All' } as const;
type StatusFilter = keyof typeof STATUSES;

/** The signed-in user's case inbox: every case their organisation (or they) take part in. */
export function CasesPage() {
  return (
    <RequireSignIn why="The case inbox lists the disclosure cases your organisation takes part in. Reporters without an account open their case with its secret link.">
      <Inbox />
    </RequireSignIn>
  );
}

function Inbox() {
  const { search } = useLocation();
  const status: StatusFilter = search.get('status') === 'closed' ? 'closed' : search.get('status') === 'all' ? 'all' : 'open';
  const role = (search.get('role') ?? '') as ParticipantKind | '';
  const embargo = (search.get('embargo') ?? '') as EmbargoState | '';
  const text = search.get('q') ?? '';
  const now = useNow(30_000);

  const cases = usePaged<CaseSummary>((cursor) => `/api/v1/cases${query({ status: status === 'all' ? undefined : status, limit: PAGE, cursor })}`, [status]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    navigate(qs ? `/cases?${qs}` : '/cases', { replace: true });
  };

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return cases.items.filter(
      (c) =>
        (!role || c.you.kind === role) &&
        (!embargo || c.embargo.state === embargo) &&
        (!needle || `${c.number} ${c.title}`.toLowerCase().includes(needle)),
    );
  }, [cases.items, role, embargo, text]);

  const stats = useMemo(() => {
    const held = cases.items.filter((c) => (c.embargo.state === 'active' || c.embargo.state === 'revise') && c.embargo.end_at && Date.parse(c.embargo.end_at) > now);
    return {
      open: cases.items.filter((c) => c.status === 'open').length,
      embargoed: held.length,
      endingSoon: held.filter((c) => timeLeft(c.embargo.end_at!, now).urgent).length,
      toTriage: cases.items.filter((c) => c.status === 'open' && c.you.report_state === 'received' && c.you.kind !== 'reporter').length,
      proposals: cases.items.filter((c) => c.embargo.state === 'proposed' || c.embargo.state === 'revise').length,
    };
  }, [cases.items, now]);

  const filtering = Boolean(role || embargo || text);

  return (
    <>
      <PageHeader
        title="Cases"
        subtitle="Coordinated disclosure cases your organisation takes part in. Everything in a case is confidential to its participants until the advisory is published."
        actions={
          <Link to="/report" className="btn btn-sm btn-primary">
            Report a vulnerability
          </Link>
        }
      />

      <div className="stats stats-4 case-stats" aria-label="Cases at a glance (loaded cases)">
        <Stat label="Open" value={stats.open} />
        <Stat label="Under embargo" value={stats.embargoed} sub={stats.proposals > 0 ? `${stats.proposals} proposal${stats.proposals === 1 ? '' : 's'} to decide` : undefined} />
        <Stat label="Embargo ends < 7 d" value={stats.endingSoon} tone={stats.endingSoon > 0 ? 'red' : undefined} />
        <Stat label="Awaiting your triage" value={stats.toTriage} sub="report state “received”" />
      </div>

      <div className="search-form case-filters" role="search" aria-label="Filter cases">
        <div className="toolbar-select">
          <span className="toolbar-label" id="case-status-label">
            Status
          </span>
          <div className="seg-tabs" role="group" aria-labelledby="case-status-label">
            {(Object.keys(STATUSES) as StatusFilter[]).map((s) => (
              <button key={s} type="button" className={`seg-tab ${status === s ? 'seg-tab-on' : ''}`} aria-pressed={status === s} onClick={() => setParam('status', s === 'open' ? '' : s)}>
                {STATUSES[s]}
              </button>
            ))}
          </div>
        </div>
        <label className="toolbar-select">
          <span className="toolbar-label">Your role</span>
          <select className="input select" value={role} onChange={(e) => setParam('role', e.target.value)}>
            <option value="">Any role</option>
            {(Object.keys(KIND_LABELS) as ParticipantKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-select">
          <span className="toolbar-label">Embargo</span>
          <select className="input select" value={embargo} onChange={(e) => setParam('embargo', e.target.value)}>
            <option value="">Any</option>
            {(Object.keys(EMBARGO_LABELS) as EmbargoState[]).map((k) => (
              <option key={k} value={k}>
                {EMBARGO_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-select search-grow">
          <span className="toolbar-label">Number or title</span>
          <input className="input" type="search" value={text} placeholder="CASE-2026-0002, header parser…" onChange={(e) => setParam('q', e.target.value)} />
        </label>
        {filtering && (
          <button type="button" className="btn btn-sm btn-ghost filter-clear" onClick={() => navigate(status === 'open' ? '/cases' : `/cases?status=${status}`, { replace: true })}>
            Clear filters
          </button>
        )}
      </div>

      {cases.error && <ProblemAlert problem={cases.error} />}
      <div className="table-wrap">
        <div className="table-caption" aria-live="polite" data-testid="case-count">
          {cases.loading && cases.items.length === 0
            ? 'Loading…'
            : `${rows.length} ${status === 'all' ? '' : `${STATUSES[status].toLowerCase()} `}case${rows.length === 1 ? '' : 's'}${filtering ? ` match (of ${cases.items.length}${cases.hasMore ? '+' : ''} loaded)` : cases.hasMore ? ' loaded' : ''}, most recently updated first`}
        </div>
        {rows.length > 0 && (
          <table className="table case-table" aria-label="Cases">
            <thead>
              <tr>
                <th>Case</th>
                <th>Title</th>
                <th>Your role</th>
                <th>Your report</th>
                <th>Embargo</th>
                <th>Facts</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-testid="case-row" data-case-id={c.id}>
                  <td className="nowrap">
                    <Link to={`/cases/${c.id}`} className="mono case-number">
                      {c.number}
                    </Link>
                    {c.status === 'closed' && (
                      <span className="cell-sub">
                        <CaseStatusPill status="closed" />
                      </span>
                    )}
                  </td>
                  <td className="cell-case-title">
                    <Link to={`/cases/${c.id}`} className="row-link cell-title">
                      {c.title}
                    </Link>
                  </td>
                  <td>
                    <KindPill kind={c.you.kind} />
                  </td>
                  <td>
                    <ReportStatePill state={c.you.report_state} />
                  </td>
                  <td className="nowrap">
                    <EmbargoCell embargo={c.embargo} now={now} />
                  </td>
                  <td className="cell-facts">
                    <FactBadges facts={c.facts} />
                  </td>
                  <td className="nowrap" title={c.updated_at}>
                    {relative(c.updated_at, Math.max(now, Date.parse(c.updated_at)))}
                    <span className="cell-sub">{day(c.updated_at)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cases.loading && cases.items.length === 0 && <Loading />}
        {!cases.loading && !cases.error && rows.length === 0 && (
          <Empty>
            {filtering ? 'No loaded case matches these filters.' : status === 'open' ? 'No open case. Reports your organisation files or is brought into appear here.' : 'No case.'}
          </Empty>
        )}
        {cases.hasMore && (
          <div className="table-footer">
            <button type="button" className="btn btn-sm" onClick={cases.loadMore} disabled={cases.loading}>
              {cases.loading ? 'Loading…' : `Load ${PAGE} more`}
            </button>
          </div>
        )}
      </div>
    </>
  );
}

function Stat({ label, value, sub, tone }: { label: string; value: number; sub?: string | undefined; tone?: 'red' | undefined }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${tone === 'red' ? 'text-red' : ''}`}>{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}
