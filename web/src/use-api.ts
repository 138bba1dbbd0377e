import { useCallback, useEffect, useState } from 'react';
import type { Problem } from '../../src/http/api-types.js';
import { api, toProblem } from './api.js';
import { useSession } from './session.js';

export interface Loaded<T> {
  data: T | undefined;
  error: Problem | null;
  loading: boolean;
  reload: () => void;
}

interface Result<T> {
  key: string;
  data?: T;
  error: Problem | null;
}

/**
 * GETs `path` (null: not yet), refetching when the path or the signed-in user
 * changes. Data of a previous path is never shown for a new one; a reload of the
 * same path keeps showing the old data until the new data arrives.
 */
export function useApi<T>(path: string | null): Loaded<T> {
  const { state } = useSession();
  const token = state.status === 'signed-in' ? state.token : null;
  const sessionReady = state.status !== 'loading';
  const key = `${token ?? ''} ${path ?? ''}`;
  const [result, setResult] = useState<Result<T> | null>(null);
  const [pending, setPending] = useState(0);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (path === null || !sessionReady) return;
    const ctrl = new AbortController();
    setPending((n) => n + 1);
    api<T>(path, { signal: ctrl.signal, token })
      .then((data) => setResult({ key, data, error: null }))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setResult((r) => ({ key, data: r?.key === key ? r.data : undefined, error: toProblem(err) }));
      })
      .finally(() => setPending((n) => n - 1));
    return () => ctrl.abort();
  }, [path, token, sessionReady, nonce, key]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = result?.key === key ? result : null;
  return {
    data: current?.data,
    error: current?.error ?? null,
    loading: path !== null && (pending > 0 || current === null),
    reload,
  };
}
