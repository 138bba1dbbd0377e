import { useMemo, useState } from 'react';
import type { ItemList, Pledge, ProgressSummary, SignatoryView } from '../../../src/http/api-types.js';
import { query } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { Card, Empty, ExternalLink, Loading, PageHeader } from '../components/page.js';
import { DemoBadge, PledgeBadge } from '../components/pills.js';
import { countryName, day, percent } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { useApi } from '../use-api.js';
import { usePaged } from '../use-paged.js';

type SortKey = 'name' | 'country' | 'sector' | 'size' | 'joined';

const SIZE_ORDER = ['1-49', '50-249', '250-999', '1000-9999', '10000+'];

function sortValue(s: SignatoryView, key: SortKey): string | number {
  switch (key) {
    case 'name':
      return s.org.name.replace(/^Demo · /, '').toLowerCase();
    case 'country':
      return s.org.country ?? '';
    case 'sector':
      return (s.org.sector ?? '').toLowerCase();
    case 'size':
      return SIZE_ORDER.indexOf(s.org.size_band ?? '');
    case 'joined':
      return s.org.joined_at ?? '';
  }
}

/** The public directory of signatories with filters (kept in the URL, so a filtered view can be shared) and the progress panel. */
export function DirectoryPage() {
  const { search } = useLocation();
  const text = search.get('q') ?? '';
  const sector = search.get('sector') ?? '';
  const country = search.get('country') ?? '';
  const pledge = search.get('pledge') ?? '';
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'name', dir: 1 });

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    navigate(qs ? `/?${qs}` : '/', { replace: true });
  };

  const sigs = usePaged<SignatoryView>((after) => `/api/v1/signatories${query({ limit: 200, after })}`, []);
  const pledges = useApi<ItemList<Pledge>>('/api/v1/pledges');
  const pledgeKind = useMemo(() => new Map((pledges.data?.items ?? []).map((p) => [p.slug, p.kind])), [pledges.data]);
  // Badges in the pledges' own order, so the same pledge sits in the same place on every row.
  const pledgeOrder = useMemo(() => new Map((pledges.data?.items ?? []).map((p, i) => [p.slug, i])), [pledges.data]);
  const ordered = (list: SignatoryView['pledges']) => [...list].sort((a, b) => (pledgeOrder.get(a.slug) ?? 99) - (pledgeOrder.get(b.slug) ?? 99));

  const sectors = useMemo(() => [...new Set(sigs.items.map((s) => s.org.sector).filter((v): v is string => !!v))].sort(), [sigs.items]);
  const countries = useMemo(() => [...new Set(sigs.items.map((s) => s.org.country).filter((v): v is string => !!v))].sort(), [sigs.items]);

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const filtered = sigs.items.filter((s) => {
      const o = s.org;
      if (sector && o.sector !== sector) return false;
      if (country && o.country !== country) return false;
      if (pledge && !s.pledges.some((p) => p.slug === pledge)) return false;
      if (!needle) return true;
      const hay = [o.name, o.slug, o.sector, o.country, o.country ? countryName(o.country) : '', o.website, ...s.pledges.map((p) => p.title)]
        .join(' ')
        .toLowerCase();
      return hay.includes(needle);
    });
    return filtered.sort((a, b) => {
      const va = sortValue(a, sort.key);
      const vb = sortValue(b, sort.key);
      return (va < vb ? -1 : va > vb ? 1 : 0) * sort.dir;
    });
  }, [sigs.items, text, sector, country, pledge, sort]);

  const filtering = Boolean(text || sector || country || pledge);

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="th-sort" onClick={() => setSort({ key, dir: active ? (sort.dir === 1 ? -1 : 1) : 1 })}>
          {label}
          <span className="sort-icon" aria-hidden="true">
            {active ? (sort.dir === 1 ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <>
      <PageHeader
        title="Signatories"
        subtitle="Organisations that have signed the accord, the pledges they endorse and where to report vulnerabilities to them."
        actions={
          <Link to="/apply" className="btn btn-primary">
            Apply to join
          </Link>
        }
      />
      <ProgressPanel />
      <div>
        <div>
          <div className="toolbar" role="search">
            <div className="toolbar-search">
              <label htmlFor="dir-filter" className="sr-only">
                Filter signatories
              </label>
              <span className="search-icon" aria-hidden="true">
                ⌕
              </span>
              <input
                id="dir-filter"
                className="input"
                type="search"
                placeholder="Filter signatories…"
                value={text}
                onChange={(e) => setFilter('q', e.target.value)}
              />
            </div>
            <label className="toolbar-select">
              <span className="toolbar-label">Sector</span>
              <select className="input select" value={sector} onChange={(e) => setFilter('sector', e.target.value)}>
                <option value="">All sectors</option>
                {sectors.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="toolbar-select">
              <span className="toolbar-label">Country</span>
              <select className="input select" value={country} onChange={(e) => setFilter('country', e.target.value)}>
                <option value="">All countries</option>
                {countries.map((c) => (
                  <option key={c} value={c}>
                    {countryName(c)} ({c})
                  </option>
                ))}
              </select>
            </label>
            <label className="toolbar-select">
              <span className="toolbar-label">Pledge</span>
              <select className="input select" value={pledge} onChange={(e) => setFilter('pledge', e.target.value)}>
                <option value="">Any pledge</option>
                {(pledges.data?.items ?? []).map((p) => (
                  <option key={p.slug} value={p.slug}>
                    {p.title}
                  </option>
                ))}
              </select>
            </label>
            {filtering && (
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => navigate('/', { replace: true })}>
                Clear filters
              </button>
            )}
          </div>

          {sigs.error && <ProblemAlert problem={sigs.error} />}
          <div className="table-wrap">
            <div className="table-caption" aria-live="polite" data-testid="directory-count">
              {sigs.loading && sigs.items.length === 0
                ? 'Loading signatories…'
                : `${rows.length} of ${sigs.items.length}${sigs.hasMore ? '+' : ''} signatories${filtering ? ' match' : ''}`}
            </div>
            <table className="table" aria-label="Signatories">
              <thead>
                <tr>
                  {header('name', 'Name')}
                  {header('country', 'Country')}
                  {header('sector', 'Sector')}
                  {header('size', 'Size')}
                  {header('joined', 'Joined')}
                  <th>CVD policy</th>
                  <th>Pledges</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.org.id} data-testid="signatory-row">
                    <td className="cell-name">
                      <Link to={`/signatories/${s.org.slug}`} className="row-link">
                        {s.org.name}
                      </Link>
                      {s.org.demo && <DemoBadge />}
                    </td>
                    <td title={countryName(s.org.country)}>
                      <span className="mono">{s.org.country ?? '—'}</span>
                    </td>
                    <td>{s.org.sector ?? '—'}</td>
                    <td className="nowrap">{s.org.size_band ?? '—'}</td>
                    <td className="nowrap tnum">{day(s.org.joined_at)}</td>
                    <td className="nowrap">{s.org.cvd_policy_url ? <ExternalLink href={s.org.cvd_policy_url}>Policy</ExternalLink> : <span className="muted">none</span>}</td>
                    <td>
                      <div className="badges">
                        {ordered(s.pledges).map((p) => (
                          <PledgeBadge key={p.slug} slug={p.slug} title={p.title} kind={pledgeKind.get(p.slug)} />
                        ))}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!sigs.loading && rows.length === 0 && !sigs.error && (
              <Empty>{filtering ? 'No signatory matches these filters.' : 'No signatories yet.'}</Empty>
            )}
            {sigs.loading && sigs.items.length === 0 && <Loading />}
            {sigs.hasMore && (
              <div className="table-footer">
                <button type="button" className="btn btn-sm" onClick={sigs.loadMore} disabled={sigs.loading}>
                  Load more signatories
                </button>
              </div>
            )}
          </div>
        </div>
      </div>
    </>
  );
}

function ProgressPanel() {
  const thisYear = new Date().getUTCFullYear();
  const [year, setYear] = useState(thisYear);
  const progress = useApi<ProgressSummary>(`/api/v1/progress?year=${year}`);
  const p = progress.data;
  const max = Math.max(1, p?.members ?? 0, ...(p?.pledges ?? []).map((x) => x.endorsements));
  return (
    <Card
      title={`Progress ${year}`}
      className="progress-card"
      actions={
        <>
          <a className="link-sm" href={`/api/v1/progress.csv?year=${year}`} download>
            Download CSV
          </a>
          <label htmlFor="progress-year" className="sr-only">
            Year
          </label>
          <select id="progress-year" className="input select input-sm" value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </>
      }
    >
      {progress.error && <ProblemAlert problem={progress.error} />}
      {!p && !progress.error && <Loading />}
      {p && (
        <div className="progress-grid" data-testid="progress">
          <div className="stats">
            <Stat label="Members" value={String(p.members)} sub={`as of ${day(p.as_of)}`} />
            <Stat label={`Joined in ${p.year}`} value={String(p.new_members)} sub="new signatories" />
            <Stat label="CVD policy" value={percent(p.with_cvd_policy, p.members)} sub={`${p.with_cvd_policy} of ${p.members} publish one`} />
            <Stat label="security.txt" value={percent(p.with_security_txt, p.members)} sub={`${p.with_security_txt} of ${p.members} publish one`} />
          </div>
          <div>
            <h3 className="section-label section-label-top">Endorsements by pledge</h3>
            <ul className="bars" aria-label="Endorsements by pledge">
              {p.pledges.map((x) => (
                <li key={x.slug} className="bar-row">
                  <span className="bar-label" title={x.title}>
                    {x.title}
                  </span>
                  <div className="bar-track" aria-hidden="true">
                    <div className="bar-fill" style={{ width: `${(x.endorsements / max) * 100}%` }} />
                  </div>
                  <span className="bar-value">
                    {x.endorsements}
                    <span className="bar-of"> / {p.members}</span>
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </Card>
  );
}

function Stat({ label, value, sub }: { label: string; value: string; sub: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      <div className="stat-sub">{sub}</div>
    </div>
  );
}
