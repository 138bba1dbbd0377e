import { useState, type FormEvent } from 'react';
import type { ReleaseSearchPage } from '../../../src/http/api-types.js';
import { query } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { Empty, Loading, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { dateTime } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { usePaged } from '../use-paged.js';

type Item = ReleaseSearchPage['items'][number];
type Mode = 'digest' | 'purl';

const PREDICATES: Record<string, string> = {
  'https://in-toto.io/attestation/release/v0.1': 'release',
  'https://slsa.dev/provenance/v1': 'SLSA provenance',
};

/** Release statements in the log, found by an artifact's SHA-256 or by package URL. */
export function ReleasesPage() {
  const { search } = useLocation();
  const digest = search.get('digest') ?? '';
  const purl = search.get('purl') ?? '';
  const active: Mode | null = digest ? 'digest' : purl ? 'purl' : null;
  const [mode, setMode] = useState<Mode>(active ?? 'digest');
  const [draft, setDraft] = useState(digest || purl);
  const list = usePaged<Item>(active ? (before) => `/api/v1/releases${query({ digest: digest || undefined, purl: purl || undefined, before, limit: 20 })}` : null, [digest, purl]);

  // The API names the offending query parameter (`/querystring/digest`); show it at the input too.
  const fieldError = active ? list.error?.errors?.find((e) => e.path === `/querystring/${active}`)?.message : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = draft.trim();
    navigate(v ? `/releases?${mode}=${encodeURIComponent(v)}` : '/releases', { replace: false });
  };

  return (
    <>
      <PageHeader
        title="Releases"
        subtitle="Signed release statements that signatories committed to the transparency log. Search by the SHA-256 of a file you have, or by package URL (without a version: every version)."
        actions={
          <Link to="/releases/verify" className="btn btn-sm btn-primary">
            Verify a download
          </Link>
        }
      />
      <form className="search-form" onSubmit={submit} role="search" aria-label="Search releases">
        <label className="toolbar-select">
          <span className="toolbar-label">Search by</span>
          <select className="input select" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            <option value="digest">SHA-256 digest</option>
            <option value="purl">Package URL (purl)</option>
          </select>
        </label>
        <label className="toolbar-select search-grow">
          <span className="toolbar-label">{mode === 'digest' ? 'SHA-256 (64 hex digits)' : 'Package URL'}</span>
          <input
            className="input mono"
            value={draft}
            spellCheck={false}
            placeholder={mode === 'digest' ? 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' : 'pkg:npm/%40scope/name@1.2.3'}
            aria-invalid={fieldError && mode === active ? true : undefined}
            onChange={(e) => setDraft(e.target.value)}
          />
          {fieldError && mode === active && <span className="field-error">{fieldError}</span>}
        </label>
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </form>

      {list.error && <ProblemAlert problem={list.error} fieldErrors />}
      {!active ? (
        <div className="placeholder placeholder-compact">
          <h2 className="placeholder-title">Find a release</h2>
          <p className="placeholder-text">
            Paste the SHA-256 of an artifact (<code>sha256sum file</code>) or a purl such as <code>pkg:generic/demo-northwind/agent</code>. Have the file
            itself? <Link to="/releases/verify">Verify a download</Link> hashes it in your browser and checks the log for you.
          </p>
        </div>
      ) : (
        !list.error && (
          <div className="table-wrap">
            <div className="table-caption" data-testid="release-count">
              {list.loading && list.items.length === 0
                ? 'Searching the log…'
                : `${list.items.length}${list.hasMore ? '+' : ''} release${list.items.length === 1 ? '' : 's'} ${active === 'digest' ? 'listing SHA-256' : 'of'} `}
              {!(list.loading && list.items.length === 0) && <code>{active === 'digest' ? digest.toLowerCase().replace(/^sha256:/, '') : purl}</code>}
            </div>
            <ReleaseTable items={list.items} digest={active === 'digest' ? digest.toLowerCase().replace(/^sha256:/, '') : null} />
            {list.loading && list.items.length === 0 && <Loading label="Searching…" />}
            {!list.loading && list.items.length === 0 && <Empty>No release in the log matches. A file no signatory vouched for should not be installed.</Empty>}
            {list.hasMore && (
              <div className="table-footer">
                <button type="button" className="btn btn-sm" onClick={list.loadMore} disabled={list.loading}>
                  Load older releases
                </button>
              </div>
            )}
          </div>
        )
      )}
    </>
  );
}

export function ReleaseTable({ items, digest }: { items: readonly Item[]; digest: string | null }) {
  if (items.length === 0) return null;
  return (
    <table className="table" aria-label="Releases">
      <thead>
        <tr>
          <th className="num">Entry</th>
          <th>Package</th>
          <th>Subjects</th>
          <th>Statement</th>
          <th>Signing key</th>
          <th>Logged (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.index} data-testid="release-row">
            <td className="num tnum">
              <Link to={`/ledger/entries/${r.index}`}>{r.index}</Link>
            </td>
            <td className="mono">
              {r.purls.map((p) => (
                <div key={p}>{p}</div>
              ))}
            </td>
            <td>
              <ul className="subject-list">
                {r.subjects.map((s, i) => (
                  <li key={i} className={digest && s.sha256 === digest ? 'subject-match' : undefined}>
                    <span className="mono">{s.name ?? s.uri ?? 'unnamed'}</span>
                    <span className="cell-sub mono" title={s.sha256}>
                      sha256:{s.sha256.slice(0, 16)}…{digest && s.sha256 === digest ? ' ✓ match' : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </td>
            <td>
              <Pill tone={PREDICATES[r.predicate_type] === 'release' ? 'green' : 'blue'} title={r.predicate_type}>
                {PREDICATES[r.predicate_type] ?? 'other'}
              </Pill>
            </td>
            <td className="mono small" title={r.key_ids.join(', ')}>
              {r.key_ids.map((k) => `${k.slice(0, 12)}…`).join(', ') || '—'}
            </td>
            <td className="tnum nowrap">{dateTime(r.added_at).replace(' UTC', '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
