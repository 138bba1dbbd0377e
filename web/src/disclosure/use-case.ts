import { useCallback, useEffect, useState } from 'react';
import type { CaseView, Problem } from '../../../src/http/api-types.js';
import { api, saveFile, toProblem, type RequestOptions } from '../api.js';
import { useSession } from '../session.js';
import { clearHash, forgetLink, linkFromHash, linkHeaders, storeLink, storedLink } from './case-link.js';

export type CaseAct = <T = unknown>(method: NonNullable<RequestOptions['method']>, path: string, body?: unknown, signal?: AbortSignal) => Promise<T>;

export interface CaseState {
  data: CaseView | undefined;
  error: Problem | null;
  loading: boolean;
  reload: () => void;
  /** The secret case link this tab opened the case with; null when the session's token is used. */
  link: string | null;
  /** Drops the kept link (the page then uses the signed-in session, if any). */
  forget: () => void;
  /** Calls `/api/v1/cases/<id><path>` as the viewer (link or session). */
  act: CaseAct;
}

/**
 * A case as the viewer may see it, opened either with the session's token or
 * with a secret case link (read from `#link=…` once, then kept in
 * sessionStorage for this case and sent as a header).
 */
export function useCase(caseId: string): CaseState {
  const { state } = useSession();
  const token = state.status === 'signed-in' ? state.token : null;
  const [link, setLink] = useState<string | null>(() => linkFromHash() ?? storedLink(caseId));
  const [linkFor, setLinkFor] = useState(caseId);
  if (linkFor !== caseId) {
    setLinkFor(caseId);
    setLink(linkFromHash() ?? storedLink(caseId));
  }

  useEffect(() => {
    const adopt = () => {
      const fromHash = linkFromHash();
      if (!fromHash) return;
      storeLink(caseId, fromHash);
      setLink(fromHash);
      clearHash();
    };
    adopt();
    // A link pasted into the address bar of the page already open changes only the fragment.
    window.addEventListener('hashchange', adopt);
    return () => window.removeEventListener('hashchange', adopt);
  }, [caseId]);

  // A link opens the case without a session; without one, wait for the session check.
  const ready = link !== null || state.status !== 'loading';
  const key = `${caseId} ${link ?? token ?? ''}`;
  const [result, setResult] = useState<{ key: string; data?: CaseView; error: Problem | null } | null>(null);
  const [pending, setPending] = useState(0);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (!ready) return;
    const ctrl = new AbortController();
    setPending((n) => n + 1);
    api<CaseView>(`/api/v1/cases/${encodeURIComponent(caseId)}`, { ...(link ? { token: null, headers: linkHeaders(link) } : { token }), signal: ctrl.signal })
      .then((data) => setResult({ key, data, error: null }))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setResult((r) => ({ key, data: r?.key === key ? r.data : undefined, error: toProblem(err) }));
      })
      .finally(() => setPending((n) => n - 1));
    return () => ctrl.abort();
  }, [caseId, link, token, ready, nonce, key]);

  const act = useCallback<CaseAct>(
    (method, path, body, signal) =>
      api(`/api/v1/cases/${encodeURIComponent(caseId)}${path}`, { method, body, ...(signal ? { signal } : {}), ...(link ? { token: null, headers: linkHeaders(link) } : { token }) }),
    [caseId, link, token],
  );

  const current = result?.key === key ? result : null;
  return {
    data: current?.data,
    error: current?.error ?? null,
    loading: pending > 0 || current === null,
    reload: useCallback(() => setNonce((n) => n + 1), []),
    link,
    forget: useCallback(() => {
      forgetLink(caseId);
      setLink(null);
    }, [caseId]),
    act,
  };
}

/** Downloads an attachment as the viewer: the API needs the token or link header, so it goes through fetch and a blob. */
export async function downloadAttachment(caseId: string, attachmentId: string, filename: string, auth: { token: string | null; link: string | null }): Promise<void> {
  const headers: Record<string, string> = { ...linkHeaders(auth.link) };
  if (!auth.link && auth.token) headers.Authorization = `Bearer ${auth.token}`;
  const res = await fetch(`/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(attachmentId)}`, { headers, credentials: 'omit' });
  if (!res.ok) {
    let detail = `The server answered ${res.status}.`;
    try {
      detail = ((await res.json()) as Problem).detail ?? detail;
    } catch {
      // not a problem document
    }
    throw new Error(detail);
  }
  saveFile(await res.blob(), filename);
}
