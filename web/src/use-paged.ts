import { useCallback, useEffect, useRef, useState } from 'react';
import type { Problem } from '../../src/http/api-types.js';
import { api, toProblem } from './api.js';
import { useSession } from './session.js';

export interface Paged<T> {
  items: T[];
  /** More pages exist on the server. */
  hasMore: boolean;
  error: Problem | null;
  loading: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * Pages through a listing a page at a time (never the whole collection at once):
 * `url(cursor)` builds the request; the response has `items` and `next`.
 */
export function usePaged<T>(url: ((cursor: string | null) => string) | null, deps: readonly unknown[]): Paged<T> {
  const { state } = useSession();
  const token = state.status === 'signed-in' ? state.token : null;
  const ready = state.status !== 'loading';
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const generation = useRef(0);
  const urlRef = useRef(url);
  urlRef.current = url;

  const fetchPage = useCallback(
    (cursor: string | null, replace: boolean) => {
      const build = urlRef.current;
      if (!build) return;
      const gen = replace ? ++generation.current : generation.current;
      setLoading(true);
      api<{ items: T[]; next: string | number | null }>(build(cursor), { token })
        .then((page) => {
          if (gen !== generation.current) return;
          setItems((prev) => (replace ? page.items : [...prev, ...page.items]));
          setNext(page.next === null ? null : String(page.next));
          setError(null);
        })
        .catch((err: unknown) => {
          if (gen === generation.current) setError(toProblem(err));
        })
        .finally(() => {
          if (gen === generation.current) setLoading(false);
        });
    },
    [token],
  );

  useEffect(() => {
    if (!ready || !urlRef.current) return;
    setItems([]);
    setNext(null);
    fetchPage(null, true);
    // `deps` describe the listing; the URL builder is read through a ref so callers may pass a new closure each render.
  }, [ready, fetchPage, nonce, ...deps]);

  return {
    items,
    hasMore: next !== null,
    error,
    loading,
    loadMore: useCallback(() => next !== null && fetchPage(next, false), [next, fetchPage]),
    reload: useCallback(() => setNonce((n) => n + 1), []),
  };
}
