import { useState, type FormEvent } from 'react';
import { ProblemAlert } from '../components/alert.js';
import { Loading, PageHeader } from '../components/page.js';
import { navigate, useLocation, Link } from '../router.js';
import { useOrgNames } from '../use-org-names.js';
import { EntryTable } from '../ledger/entry-table.js';
import { useCheckpoint } from '../ledger/use-checkpoint.js';
import { useEntryRange } from '../ledger/use-entries.js';

const PAGE = 25;

/** Newest-first entries, a page at a time by index: `?before=N` shows the entries below N. */
export function LedgerEntriesPage() {
  const feed = useCheckpoint(10_000);
  const { search } = useLocation();
  const { names } = useOrgNames();
  const size = feed.checkpoint?.size ?? null;
  const beforeParam = Number(search.get('before'));
  const before = size === null ? null : Number.isSafeInteger(beforeParam) && beforeParam > 0 ? Math.min(beforeParam, size) : size;
  const start = before === null ? null : Math.max(0, before - PAGE);
  const range = useEntryRange(before !== null && before > 0 ? start : null, before !== null && before > 0 ? before : null);
  const [jump, setJump] = useState('');
  const [jumpError, setJumpError] = useState<string | null>(null);

  const go = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(jump.trim());
    if (!/^\d+$/.test(jump.trim()) || size === null || n >= size) {
      setJumpError(size === null ? 'The log size is not known yet.' : `Enter an index from 0 to ${size - 1}.`);
      return;
    }
    navigate(`/ledger/entries/${n}`);
  };
  const page = (b: number) => (b >= (size ?? 0) ? '/ledger/entries' : `/ledger/entries?before=${b}`);

  return (
    <>
      <PageHeader
        title="Log entries"
        subtitle="Every entry of the transparency log, newest first. Open one to see its decoded content and verify its inclusion in the signed tree in your browser."
        meta={size !== null && <span className="meta-item">{size.toLocaleString('en')} entries in the latest checkpoint</span>}
      />
      <div className="toolbar">
        <form className="toolbar-inline" onSubmit={go} noValidate>
          <label className="toolbar-select">
            <span className="toolbar-label">Go to entry</span>
            <input
              className="input mono"
              inputMode="numeric"
              value={jump}
              size={10}
              placeholder="index"
              aria-invalid={jumpError ? true : undefined}
              onChange={(e) => {
                setJump(e.target.value);
                setJumpError(null);
              }}
            />
          </label>
          <button type="submit" className="btn btn-sm">
            Open
          </button>
          {jumpError && <span className="field-error">{jumpError}</span>}
        </form>
        {size !== null && before !== null && size > 0 && (
          <nav className="pager" aria-label="Pages of entries">
            <span className="pager-range tnum" data-testid="page-range">
              {start}–{before - 1} of {size}
            </span>
            <Link to={page(size)} className={`btn btn-sm ${before >= size ? 'disabled' : ''}`} aria-disabled={before >= size}>
              Newest
            </Link>
            <Link to={page(Math.min(size, before + PAGE))} className={`btn btn-sm ${before >= size ? 'disabled' : ''}`} aria-disabled={before >= size}>
              ← Newer
            </Link>
            <Link to={page(start ?? 0)} className={`btn btn-sm ${start === 0 ? 'disabled' : ''}`} aria-disabled={start === 0}>
              Older →
            </Link>
          </nav>
        )}
      </div>
      {feed.error && <ProblemAlert problem={feed.error} />}
      {range.error && <ProblemAlert problem={range.error} />}
      <div className="table-wrap">
        {size === null && !feed.error ? (
          <Loading label="Fetching the latest checkpoint…" />
        ) : (
          <EntryTable entries={range.entries} names={names} loading={range.loading} />
        )}
      </div>
    </>
  );
}
