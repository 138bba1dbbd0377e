import type { Problem } from '../../src/http/api-types.js';

/** An API call that failed; `problem` is the server's RFC 9457 body, or one made up for network failures. */
export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Overrides the session's token (sign-in checks a token before storing it). */
  token?: string | null;
  /** Extra request headers (a case link: `x-accord-case-link`). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

let sessionToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Set by the session: the token sent with every call, and what to do when the server no longer accepts it. */
export function configureApi(token: string | null, unauthorized: (() => void) | null): void {
  sessionToken = token;
  onUnauthorized = unauthorized;
}

/** Calls the Accord API; resolves with the JSON body, rejects with an ApiError carrying the problem details. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token === undefined ? sessionToken : options.token;
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await send(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = parseJson(text);
  if (res.ok) return json as T;
  return fail(res, text, json, token);
}

/** `fetch` without cookies; a network failure (not an abort) becomes an ApiError the pages can show. */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'omit' });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      code: 'NETWORK',
      detail: 'The Accord server did not answer (or closed the connection). Check that it is running and try again.',
    });
  }
}

/** Throws the failed response's problem details (or one made from its status and text). */
function fail(res: Response, text: string, json: unknown, token: string | null | undefined): never {
  const problem = isProblem(json)
    ? json
    : { type: 'about:blank', title: res.statusText || 'Error', status: res.status, code: 'HTTP_ERROR', detail: text.slice(0, 300) || `The server answered ${res.status}.` };
  // A token that stopped working (revoked, expired) signs the session out; a 401 during sign-in does not.
  if (res.status === 401 && token && token === sessionToken) onUnauthorized?.();
  throw new ApiError(problem);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && typeof (v as Problem).detail === 'string' && typeof (v as Problem).status === 'number';
}

/** The problem details of anything thrown by `api`, so pages can show `detail` in one kind of alert. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return err.problem;
  return { type: 'about:blank', title: 'Error', status: 0, code: 'CLIENT', detail: err instanceof Error ? err.message : String(err) };
}

/** Builds a query string, skipping undefined values and repeating arrays (`status=a&status=b`). */
export function query(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface RawOptions {
  method?: 'GET' | 'POST';
  /** Bytes sent as they are (an SBOM, a log file), as application/octet-stream. */
  body?: Blob | ArrayBuffer | Uint8Array<ArrayBuffer> | string;
  accept?: string;
  token?: string | null;
  signal?: AbortSignal;
}

/**
 * Like `api`, for bodies that are not JSON: sends raw bytes and resolves with
 * the successful response (read it as text or a blob); a failure rejects with
 * the server's problem details, as `api` does.
 */
export async function apiRaw(path: string, options: RawOptions = {}): Promise<Response> {
  const token = options.token === undefined ? sessionToken : options.token;
  const headers: Record<string, string> = { Accept: options.accept ?? '*/*' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/octet-stream';
  const res = await send(path, { method: options.method ?? (options.body === undefined ? 'GET' : 'POST'), headers, body: options.body, signal: options.signal });
  if (res.ok) return res;
  const text = await res.text();
  return fail(res, text, parseJson(text), token);
}

/** Saves `data` as a file named `filename` (a blob URL, revoked after the click). */
export function saveFile(data: Blob, filename: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
