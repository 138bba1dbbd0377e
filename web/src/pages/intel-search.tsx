import { useMemo, useState, type FormEvent } from 'react';
import { query } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { Card, Empty, Loading, PageHeader } from '../components/page.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { useOrgNames } from '../use-org-names.js';
import { usePaged } from '../use-paged.js';
import { ACTIVITY_DAYS, ActivityChart, TypeBreakdown, tallyActivity } from '../intel/activity-chart.js';
import { MultiSelect } from '../intel/multi-select.js';
import { ObjectTable } from '../intel/object-table.js';
import { SEARCH_TYPES } from '../intel/stix.js';
import { TLP_LEVELS, TLP_MEANING, TlpBadge, isTlpLevel } from '../intel/tlp.js';
import type { IntelActivity, IntelCollection, IntelSummary, TlpLevel } from '../intel/types.js';

type Mode = 'q' | 'label' | 'ref';

const MODES: Record<Mode, { label: string; field: string; placeholder: string; hint: string }> = {
  q: {
    label: 'Value',
    field: 'Observable or indicator value',
    placeholder: '198.51.100.23, evil.example, a SHA-256…',
    hint: 'Exact match, case-insensitive: an IP address, domain, URL, e-mail address or file hash, in an observable or an indicator’s pattern.',
  },
  label: { label: 'Label', field: 'Label', placeholder: 'phishing', hint: 'Objects carrying this label (exact, case-insensitive).' },
  ref: { label: 'Refers to', field: 'STIX id', placeholder: 'indicator--…', hint: 'Relationships, sightings and reports that point at this object.' },
};

const PAGE = 50;

function list(v: string | null): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Search of the intel the caller may read, with the activity of the last 30 days; every filter lives in the URL. */
export function IntelSearchPage() {
  const { search } = useLocation();
  const { me } = useSession();
  const { names } = useOrgNames();
  const mode: Mode = search.get('label') !== null ? 'label' : search.get('ref') !== null ? 'ref' : 'q';
  const value = search.get(mode) ?? '';
  const types = list(search.get('type'));
  const tlp = list(search.get('tlp')).filter(isTlpLevel);
  const author = search.get('author') ?? '';
  const collection = search.get('collection') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';

  const [draftMode, setDraftMode] = useState<Mode>(mode);
  const [draft, setDraft] = useState(value);
  const [lastUrlValue, setLastUrlValue] = useState(`${mode}:${value}`);
  // Back/forward or a chart click changes the URL: the search box follows it.
  if (lastUrlValue !== `${mode}:${value}`) {
    setLastUrlValue(`${mode}:${value}`);
    setDraft(value);
    setDraftMode(mode);
  }

  const filters = { [mode]: value || undefined, type: types.join(','), tlp: tlp.join(','), author, collection, from, to };
  const results = usePaged<IntelSummary>((cursor) => `/api/v1/intel/objects${query({ ...filters, cursor, limit: PAGE })}`, [query(filters)]);
  const activity = useApi<IntelActivity>(`/api/v1/intel/activity?days=${ACTIVITY_DAYS}`);
  const totals = useMemo(() => tallyActivity(activity.data?.items ?? []), [activity.data]);
  const collections = useApi<{ items: IntelCollection[] }>('/api/v1/intel/collections');

  const setParams = (patch: Record<string, string | null>, push = false) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    navigate(qs ? `/intel?${qs}` : '/intel', { replace: !push });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    setParams({ q: null, label: null, ref: null, [draftMode]: v || null }, true);
  };

  const toggleTlp = (l: TlpLevel) => setParams({ tlp: (tlp.includes(l) ? tlp.filter((x) => x !== l) : [...tlp, l]).join(',') || null });

  const authors = useMemo(() => [...names.values()].sort((a, b) => a.name.localeCompare(b.name)), [names]);
  const filtering = Boolean(value || types.length || tlp.length || author || collection || from || to);
  const fieldError = results.error?.errors?.find((e) => e.path === '/query' || /^\/query(string)?\/(q|label|ref)$/.test(e.path))?.message;
  const typeOptions = useMemo(() => [...new Set([...SEARCH_TYPES, ...types, ...totals.byType.map(([t]) => t)])].map((t) => ({ value: t, label: t })), [types, totals]);

  return (
    <>
      <PageHeader
        title="Threat intelligence"
        subtitle="STIX 2.1 objects the signatories share. TLP 2.0 is enforced per object: you see exactly what your organisation may read, here, over TAXII and in every export."
        actions={
          me && (
            <Link to="/intel/upload" className="btn btn-sm btn-primary">
              Upload a bundle
            </Link>
          )
        }
      />
      {!me && (
        <Alert kind="info" title="Signed out: TLP:CLEAR only" actions={<Link to="/sign-in?next=%2Fintel" className="btn btn-sm">Sign in</Link>}>
          Anyone may read TLP:CLEAR. Sign in to see what your organisation may read at GREEN, AMBER and RED.
        </Alert>
      )}

      <div className="layout-aside wide-aside intel-activity">
        <Card title={`Added per day · last ${ACTIVITY_DAYS} days, by TLP`} className="layout-main">
          {activity.error ? <ProblemAlert problem={activity.error} /> : !activity.data ? <Loading /> : <ActivityChart totals={totals} picked={from && from === to ? from : null} onPickDay={(d) => setParams({ from: d, to: d })} />}
        </Card>
        <Card title="By type" className="layout-side">
          {activity.data ? <TypeBreakdown totals={totals} onPickType={(t) => setParams({ type: t })} /> : !activity.error && <Loading />}
        </Card>
      </div>

      <form className="search-form intel-filters" onSubmit={submit} role="search" aria-label="Search intel">
        <div className="filter-row">
          <label className="toolbar-select">
            <span className="toolbar-label">Search by</span>
            <select className="input select" value={draftMode} onChange={(e) => setDraftMode(e.target.value as Mode)}>
              {(Object.keys(MODES) as Mode[]).map((m) => (
                <option key={m} value={m}>
                  {MODES[m].label}
                </option>
              ))}
            </select>
          </label>
          <label className="toolbar-select search-grow">
            <span className="toolbar-label">{MODES[draftMode].field}</span>
            <input
              className="input mono"
              type="search"
              value={draft}
              spellCheck={false}
              placeholder={MODES[draftMode].placeholder}
              aria-describedby="intel-search-hint"
              aria-invalid={fieldError ? true : undefined}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <div className="toolbar-select">
            <span className="toolbar-label" id="added-range-label">
              Added (UTC)
            </span>
            <div className="date-range" role="group" aria-labelledby="added-range-label">
              <input className="input" type="date" aria-label="Added from" value={from} max={to || undefined} onChange={(e) => setParams({ from: e.target.value || null })} />
              <span className="muted" aria-hidden="true">
                –
              </span>
              <input className="input" type="date" aria-label="Added until" value={to} min={from || undefined} onChange={(e) => setParams({ to: e.target.value || null })} />
            </div>
          </div>
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </div>
        <p id="intel-search-hint" className="filter-hint">
          {MODES[draftMode].hint}
        </p>
        <div className="filter-row">
          <div className="toolbar-select">
            <span className="toolbar-label" id="tlp-filter-label">
              TLP
            </span>
            <div className="tlp-chips" role="group" aria-labelledby="tlp-filter-label">
              {TLP_LEVELS.map((l) => (
                <button
                  key={l}
                  type="button"
                  className={`tlp-chip ${tlp.includes(l) ? 'tlp-chip-on' : ''}`}
                  aria-pressed={tlp.includes(l)}
                  title={`${tlp.includes(l) ? 'Stop filtering by' : 'Only'} TLP:${l} — ${TLP_MEANING[l]}`}
                  onClick={() => toggleTlp(l)}
                >
                  <span className="tlp-chip-check" aria-hidden="true">
                    {tlp.includes(l) ? '✓' : ''}
                  </span>
                  <TlpBadge level={l} size="sm" />
                </button>
              ))}
            </div>
          </div>
          <div className="toolbar-select">
            <span className="toolbar-label">Type</span>
            <MultiSelect label="Type" anyLabel="Any type" options={typeOptions} selected={types} onChange={(v) => setParams({ type: v.join(',') || null })} searchable />
          </div>
          <label className="toolbar-select">
            <span className="toolbar-label">Shared by</span>
            <select className="input select" value={author} onChange={(e) => setParams({ author: e.target.value || null })}>
              <option value="">Any organisation</option>
              {authors.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          {(collections.data?.items.length ?? 0) > 0 && (
            <label className="toolbar-select">
              <span className="toolbar-label">Collection</span>
              <select className="input select" value={collection} onChange={(e) => setParams({ collection: e.target.value || null })}>
                <option value="">All collections</option>
                {collections.data!.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </select>
            </label>
          )}
          {filtering && (
            <button
              type="button"
              className="btn btn-sm btn-ghost filter-clear"
              onClick={() => {
                setDraft('');
                navigate('/intel', { replace: true });
              }}
            >
              Clear filters
            </button>
          )}
        </div>
      </form>

      {results.error && <ProblemAlert problem={results.error} fieldErrors />}
      <div className="table-wrap">
        <div className="table-caption" aria-live="polite" data-testid="intel-count">
          {results.loading && results.items.length === 0
            ? 'Searching…'
            : `${results.items.length}${results.hasMore ? '+' : ''} object${results.items.length === 1 ? '' : 's'}${filtering ? ' match' : ''}, newest first`}
        </div>
        {results.items.length > 0 && <ObjectTable items={results.items} names={names} label="Intel objects" />}
        {results.loading && results.items.length === 0 && <Loading label="Searching…" />}
        {!results.loading && !results.error && results.items.length === 0 && (
          <Empty>
            {filtering ? (
              <>
                No object you may read matches these filters.
                {mode === 'q' && value && <> Value searches are exact: try the whole address, domain or hash.</>}
              </>
            ) : (
              'No intel you may read has been shared yet.'
            )}
          </Empty>
        )}
        {results.hasMore && (
          <div className="table-footer">
            <button type="button" className="btn btn-sm" onClick={results.loadMore} disabled={results.loading}>
              {results.loading ? 'Loading…' : `Load ${PAGE} more`}
            </button>
          </div>
        )}
      </div>
    </>
  );
}
