import type { LogEntry } from '../../../src/http/api-types.js';
import { Empty, Loading } from '../components/page.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import type { OrgRef } from '../use-org-names.js';
import { EntrySummary, KindPill, decodeLogEntry } from './entry-summary.js';

/** Log entries, newest first: index (links to the entry), kind, when added, what it records, its leaf hash. */
export function EntryTable({ entries, names, loading, label = 'Log entries' }: { entries: readonly LogEntry[]; names: Map<string, OrgRef>; loading: boolean; label?: string }) {
  return (
    <>
      <table className="table entry-table" aria-label={label}>
        <thead>
          <tr>
            <th className="num">Index</th>
            <th>Kind</th>
            <th>Added (UTC)</th>
            <th>Summary</th>
            <th className="num">Bytes</th>
            <th>Leaf hash</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.index} data-testid="entry-row" data-kind={e.kind}>
              <td className="num tnum">
                <Link to={`/ledger/entries/${e.index}`} className="entry-index">
                  {e.index}
                </Link>
              </td>
              <td>
                <KindPill kind={e.kind} />
              </td>
              <td className="tnum nowrap">{dateTime(e.added_at).replace(' UTC', '')}</td>
              <td className="cell-summary">
                <EntrySummary decoded={decodeLogEntry(e)} names={names} />
              </td>
              <td className="num tnum muted">{Math.floor((e.data.length * 3) / 4) - (e.data.endsWith('==') ? 2 : e.data.endsWith('=') ? 1 : 0)}</td>
              <td className="mono muted nowrap" title={e.leaf_hash}>
                {e.leaf_hash.slice(0, 12)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && entries.length === 0 && <Loading label="Loading entries…" />}
      {!loading && entries.length === 0 && <Empty>No entries.</Empty>}
    </>
  );
}
