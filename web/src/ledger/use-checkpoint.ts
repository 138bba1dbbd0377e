import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogEntry, Problem } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';
import { decodeBase64 } from '../verify/bytes.js';
import { parseSignedCheckpoint, type SignedCheckpoint } from '../verify/checkpoint.js';
import { verifyConsistency } from '../verify/merkle.js';
import { fetchCheckpoint, fetchConsistencyProof, fetchEntry } from './log-client.js';

/** The append-only check across refreshes: every change of checkpoint is proved consistent with the one before. */
export interface ConsistencyWatch {
  /** The first size this page saw. */
  readonly since: number | null;
  /** Consistency proofs verified so far. */
  readonly verified: number;
  /** Why the log's history stopped adding up (sticky until reload). */
  readonly failure: string | null;
}

export interface CheckpointFeed {
  readonly checkpoint: SignedCheckpoint | undefined;
  readonly error: Problem | null;
  /** When the checkpoint was last fetched (ms since the epoch). */
  readonly checkedAt: number | null;
  /** The newest entry (size − 1), for its `added_at`. */
  readonly latest: LogEntry | undefined;
  readonly consistency: ConsistencyWatch;
  readonly refresh: () => void;
}

/**
 * Polls /log/checkpoint every `intervalMs` while the tab is visible, parses it
 * in the browser, and proves each new checkpoint consistent with the previous
 * one (RFC 9162 §2.1.4.2) — so a log that rewrote history while this page was
 * open would show it, even without the log's key.
 */
export function useCheckpoint(intervalMs = 5000): CheckpointFeed {
  const [checkpoint, setCheckpoint] = useState<SignedCheckpoint>();
  const [error, setError] = useState<Problem | null>(null);
  const [checkedAt, setCheckedAt] = useState<number | null>(null);
  const [latest, setLatest] = useState<LogEntry>();
  const [consistency, setConsistency] = useState<ConsistencyWatch>({ since: null, verified: 0, failure: null });
  const [nonce, setNonce] = useState(0);
  const reference = useRef<SignedCheckpoint | null>(null);
  const latestIndex = useRef<number | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: number | undefined;
    const tick = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const raw = await fetchCheckpoint(ctrl.signal);
          const cp = parseSignedCheckpoint(raw);
          await checkConsistency(cp, ctrl.signal);
          setCheckpoint((prev) => (prev?.raw === cp.raw ? prev : cp));
          setError(null);
          setCheckedAt(Date.now());
          if (cp.size > 0) {
            if (latestIndex.current !== cp.size - 1) {
              latestIndex.current = cp.size - 1;
              setLatest(await fetchEntry(cp.size - 1, ctrl.signal));
            }
          }
        } catch (err) {
          if (ctrl.signal.aborted) return;
          setError(toProblem(err));
        }
      }
      if (!ctrl.signal.aborted) timer = window.setTimeout(() => void tick(), intervalMs);
    };

    const checkConsistency = async (cp: SignedCheckpoint, signal: AbortSignal) => {
      const ref = reference.current;
      if (!ref) {
        reference.current = cp;
        setConsistency((c) => ({ ...c, since: c.since ?? cp.size }));
        return;
      }
      if (ref.size === cp.size && ref.raw === cp.raw) return;
      // An older checkpoint (another node, a cache) must still be a prefix of the newer one.
      const [older, newer] = cp.size < ref.size ? [cp, ref] : [ref, cp];
      try {
        const res = await fetchConsistencyProof(older.size, newer.size, signal);
        const proof = res.proof.map((h) => {
          const b = decodeBase64(h);
          if (!b) throw new Error('the consistency proof holds a hash that is not base64');
          return b;
        });
        await verifyConsistency(older.size, newer.size, older.rootHash, newer.rootHash, proof);
        reference.current = newer;
        setConsistency((c) => ({ ...c, verified: c.verified + (older.size === newer.size ? 0 : 1) }));
      } catch (err) {
        if (signal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        setConsistency((c) => ({ ...c, failure: c.failure ?? `Checkpoint of size ${newer.size} is not consistent with the one of size ${older.size}: ${message}` }));
      }
    };

    void tick();
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        window.clearTimeout(timer);
        void tick();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      ctrl.abort();
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs, nonce]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  return { checkpoint, error, checkedAt, latest, consistency, refresh };
}

/** Re-renders every `ms` so "N s ago" labels stay true. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

/** "4 s ago", "3 min ago", "2 h ago", "5 days ago". */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}
