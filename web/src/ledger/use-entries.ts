import { useEffect, useState } from 'react';
import type { LogEntry, Problem } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';
import { fetchEntry, mapLimit } from './log-client.js';

export interface EntryRange {
  /** Newest first. */
  readonly entries: readonly LogEntry[];
  readonly error: Problem | null;
  readonly loading: boolean;
}

/**
 * Entries [start, end), newest first, one request each (at most six at a
 * time). Pages are small (≤ 50), so this never loads the log at large.
 */
export function useEntryRange(start: number | null, end: number | null): EntryRange {
  const key = start === null || end === null ? null : `${start}-${end}`;
  const [result, setResult] = useState<{ key: string; entries: LogEntry[]; error: Problem | null } | null>(null);

  useEffect(() => {
    if (start === null || end === null) return;
    const ctrl = new AbortController();
    const indexes: number[] = [];
    for (let i = end - 1; i >= start; i--) indexes.push(i);
    mapLimit(indexes, 6, (i) => fetchEntry(i, ctrl.signal))
      .then((entries) => setResult({ key: `${start}-${end}`, entries, error: null }))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setResult({ key: `${start}-${end}`, entries: [], error: toProblem(err) });
      });
    return () => ctrl.abort();
  }, [start, end]);

  const current = result?.key === key ? result : null;
  return { entries: current?.entries ?? [], error: current?.error ?? null, loading: key !== null && current === null };
}
