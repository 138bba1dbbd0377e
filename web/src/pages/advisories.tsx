import { useMemo } from 'react';
import type { AdvisorySummary } from '../../../src/http/api-types.js';
import { query } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { Card, Empty, Loading, PageHeader } from '../components/page.js';
import { day } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { usePaged } from '../use-paged.js';
import { SeverityBadge } from '../disclosure/badges.js';
import { SEVERITIES, isSeverity, type Severity } from '../disclosure/labels.js';

const PAGE = 50;

/** The coalition's published advisories (public: no sign-in), newest first. */
export function AdvisoriesPage() {
  const { search } = useLocation();
  const text = search.get('q') ?? '';
  const severityParam = search.get('severity');
  const severity: Severity | '' = isSeverity(severityParam) ? severityParam : '';
  const list = usePaged<AdvisorySummary>((cursor) => `/api/v1/advisories${query({ limit: PAGE, cursor })}`, []);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    navigate(qs ? `/advisories?${qs}` : '/advisories', { replace: true });
  };

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return list.items.filter((a) => (!severity || a.severity === severity) && (!needle || `${a.tracking_id} ${a.title} ${a.cves.join(' ')}`.toLowerCase().includes(needle)));
  }, [list.items, text, severity]);

  const counts = useMemo(() => {
    const c = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
    let unscored = 0;
    for (const a of list.items) {
      if (isSeverity(a.severity)) c.set(a.severity, (c.get(a.severity) ?? 0) + 1);
      else unscored++;
    }
    return { bySeverity: c, unscored, cves: new Set(list.items.flatMap((a) => a.cves)).size };
  }, [list.items]);
  const max = Math.max(1, ...counts.bySeverity.values(), counts.unscored);
  const filtering = Boolean(text || severity);

  return (
    <>
      <PageHeader
        title="Security advisories"
        subtitle="Published at the end of coordinated disclosure cases, as CSAF 2.0 and OSV. Every version is signed, served by the CSAF provider and committed to the transparency log."
        actions={
          <>
            <Link to="/check/sbom" className="btn btn-sm btn-primary" data-testid="check-sbom-link">
              Check my SBOM
            </Link>
            <a className="btn btn-sm" href="/.well-known/csaf/provider-metadata.json">
              CSAF provider metadata
            </a>
          </>
        }
      />

      <div className="layout-aside advisories-top">
        <Card title="By severity" className="layout-main">
          {list.loading && list.items.length === 0 ? (
            <Loading />
          ) : (
            <ul className="bars severity-bars" aria-label="Advisories by highest CVSS severity" data-testid="severity-chart">
              {SEVERITIES.map((s) => {
                const n = counts.bySeverity.get(s) ?? 0;
                return (
                  <li key={s} className="bar-row severity-row">
                    <button type="button" className={`link-button bar-label ${severity === s ? 'bar-label-on' : ''}`} onClick={() => setParam('severity', severity === s ? '' : s)} title={`Only ${s}`} aria-pressed={severity === s}>
                      <SeverityBadge severity={s} />
                    </button>
                    <span className="bar-track" aria-hidden="true">
                      <span className={`bar-fill sev-fill-${s.toLowerCase()}`} style={{ width: `${(n / max) * 100}%` }} />
                    </span>
                    <span className="bar-value">{n}</span>
                  </li>
                );
              })}
              {counts.unscored > 0 && (
                <li className="bar-row severity-row">
                  <span className="bar-label muted small">no CVSS v3 score</span>
                  <span className="bar-track" aria-hidden="true">
                    <span className="bar-fill fill-gray" style={{ width: `${(counts.unscored / max) * 100}%` }} />
                  </span>
                  <span className="bar-value">{counts.unscored}</span>
                </li>
              )}
            </ul>
          )}
        </Card>
        <div className="layout-side stats advisory-stats">
          <div className="stat">
            <div className="stat-label">Advisories</div>
            <div className="stat-value">
              {list.items.length}
              {list.hasMore ? '+' : ''}
            </div>
          </div>
          <div className="stat">
            <div className="stat-label">CVEs</div>
            <div className="stat-value">{counts.cves}</div>
          </div>
          <div className="stat">
            <div className="stat-label">Latest</div>
            <div className="stat-value stat-value-sm">{day(list.items[0]?.published_at)}</div>
          </div>
          <div className="stat">
            <div className="stat-label">Formats</div>
            <div className="stat-value stat-value-sm">CSAF · OSV</div>
          </div>
        </div>
      </div>

      <div className="search-form" role="search" aria-label="Filter advisories">
        <label className="toolbar-select search-grow">
          <span className="toolbar-label">Tracking id, title or CVE</span>
          <input className="input" type="search" value={text} placeholder="ACCORD-2026-0001, CVE-2026-31337, header parser…" onChange={(e) => setParam('q', e.target.value)} />
        </label>
        <label className="toolbar-select">
          <span className="toolbar-label">Severity</span>
          <select className="input select" value={severity} onChange={(e) => setParam('severity', e.target.value)}>
            <option value="">Any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {filtering && (
          <button type="button" className="btn btn-sm btn-ghost filter-clear" onClick={() => navigate('/advisories', { replace: true })}>
            Clear filters
          </button>
        )}
      </div>

      {list.error && <ProblemAlert problem={list.error} />}
      <div className="table-wrap">
        <div className="table-caption" aria-live="polite">
          {list.loading && list.items.length === 0 ? 'Loading…' : `${rows.length} advisor${rows.length === 1 ? 'y' : 'ies'}${filtering ? ' match' : ''}, newest first`}
        </div>
        {rows.length > 0 && (
          <table className="table advisory-table" aria-label="Advisories">
            <thead>
              <tr>
                <th>Tracking id</th>
                <th>Title</th>
                <th>Severity</th>
                <th className="num">Score</th>
                <th>CVEs</th>
                <th>Published</th>
                <th className="num">Version</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.tracking_id} data-testid="advisory-row">
                  <td className="nowrap">
                    <Link to={`/advisories/${encodeURIComponent(a.tracking_id)}`} className="mono">
                      {a.tracking_id}
                    </Link>
                  </td>
                  <td className="cell-case-title">
                    <Link to={`/advisories/${encodeURIComponent(a.tracking_id)}`} className="row-link cell-title">
                      {a.title}
                    </Link>
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td className="num tnum">{a.base_score !== null ? a.base_score.toFixed(1) : '—'}</td>
                  <td className="mono small">{a.cves.length > 0 ? a.cves.join(', ') : '—'}</td>
                  <td className="nowrap tnum" title={a.published_at}>
                    {day(a.published_at)}
                  </td>
                  <td className="num tnum">{a.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.loading && list.items.length === 0 && <Loading />}
        {!list.loading && !list.error && rows.length === 0 && <Empty>{filtering ? 'No advisory matches these filters.' : 'No advisory has been published yet.'}</Empty>}
        {list.hasMore && (
          <div className="table-footer">
            <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loading}>
              {list.loading ? 'Loading…' : `Load ${PAGE} more`}
            </button>
          </div>
        )}
      </div>
    </>
  );
}
