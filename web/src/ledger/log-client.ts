import type { ConsistencyProofResponse, InclusionProofResponse, LogEntry, Problem } from '../../../src/http/api-types.js';
import { ApiError, api } from '../api.js';
import { decodeBase64 } from '../verify/bytes.js';

/**
 * The public transparency-log API as the console reads it. The log is public,
 * so no token is sent: what the page checks is what anyone would be served.
 */

/** GETs a text resource (the checkpoint, a tlog-proof); failures become ApiError with the problem details. */
export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  const res = await send(path, 'text/plain', signal);
  return res.text();
}

/** GETs a binary resource (a tile or an entry bundle). */
export async function getBytes(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const res = await send(path, 'application/octet-stream', signal);
  return new Uint8Array(await res.arrayBuffer());
}

async function send(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { Accept: accept }, credentials: 'omit', cache: 'no-store', signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: 'NETWORK', detail: 'The Accord server did not answer. Check that it is running and try again.' });
  }
  if (res.ok) return res;
  const body = await res.text();
  let problem: Problem | undefined;
  try {
    const json = JSON.parse(body) as Problem;
    if (typeof json.detail === 'string' && typeof json.status === 'number') problem = json;
  } catch {
    // not problem+json
  }
  throw new ApiError(problem ?? { type: 'about:blank', title: res.statusText || 'Error', status: res.status, code: 'HTTP_ERROR', detail: body.slice(0, 300) || `The server answered ${res.status}.` });
}

export function fetchCheckpoint(signal?: AbortSignal): Promise<string> {
  return getText('/log/checkpoint', signal);
}

export function fetchEntry(index: number, signal?: AbortSignal): Promise<LogEntry> {
  return api<LogEntry>(`/api/v1/log/entries/${index}`, { token: null, signal });
}

export function fetchInclusionProof(index: number, size: number, signal?: AbortSignal): Promise<InclusionProofResponse> {
  return api<InclusionProofResponse>(`/api/v1/log/proof/inclusion?index=${index}&size=${size}`, { token: null, signal });
}

export function fetchConsistencyProof(from: number, to: number, signal?: AbortSignal): Promise<ConsistencyProofResponse> {
  return api<ConsistencyProofResponse>(`/api/v1/log/proof/consistency?from=${from}&to=${to}`, { token: null, signal });
}

/** The entry's bytes; a malformed `data` field is an error, not an empty entry. */
export function entryBytes(entry: LogEntry): Uint8Array {
  const data = decodeBase64(entry.data);
  if (data === undefined) throw new Error(`entry ${entry.index}: the server sent data that is not base64`);
  return data;
}

/** Tile index as tlog-tiles path elements: 1234067 → `x001/x234/067`. */
export function encodeTileIndex(index: number): string {
  let digits = String(index);
  digits = '0'.repeat((3 - (digits.length % 3)) % 3) + digits;
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The latest entry bundle of a tree of `size` (> 0): its first index and its path (c2sp.org/tlog-tiles). */
export function latestBundle(size: number): { first: number; width: number; path: string } {
  const index = Math.floor((size - 1) / 256);
  const width = size - index * 256;
  return { first: index * 256, width, path: `/log/tile/entries/${encodeTileIndex(index)}${width === 256 ? '' : `.p/${width}`}` };
}

/** Splits an entry bundle (big-endian uint16 length, then the entry, repeated); throws on truncation. */
export function decodeEntryBundle(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) throw new Error('the entry bundle ends inside a length prefix');
    const length = (data[at]! << 8) | data[at + 1]!;
    at += 2;
    if (at + length > data.length) throw new Error('the entry bundle ends inside an entry');
    out.push(data.subarray(at, at + length));
    at += length;
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight (browsers allow ~6 connections per host). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
