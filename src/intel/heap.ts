import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, for the moment an ingest is
 * over. Ingesting a million objects grows the old generation by hundreds of
 * megabytes, mostly dead once it is over; V8 only collects when a space next
 * fills, which an idle server never does, so the process kept memory it no
 * longer used (bench intel-taxii: the pull right after an ingest).
 *
 * Without --expose-gc, V8's `gc` is reached by turning the flag on and
 * fetching it from a fresh context (it is installed on contexts created
 * after that). Callers run it twice, apart: the second pass compacts pages
 * the first left fragmented (after a 200k ingest: heap 158 → ~80 MB
 * committed, 40 MB used); each pass is a pause of 25–50 ms with 50 MB live.
 * Node 20's gc() with an options object did not collect; the inspector's
 * HeapProfiler.collectGarbage (a low-memory notification, which gives more
 * back) stopped the event loop when called in-process.
 */
function gcFunction(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

let gc: (() => void) | null | undefined;

/** One full collection of the heap; returns whether it could. */
export function collectGarbage(): boolean {
  gc ??= gcFunction();
  if (gc === null) return false;
  gc();
  return true;
}
