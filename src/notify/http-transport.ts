import http from 'node:http';
import https from 'node:https';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import type { ResolvedAddress } from './address-guard.js';

/** Response bytes read from a webhook receiver at most; the rest is discarded unread. */
export const MAX_RESPONSE_BYTES = 4096;

export interface HttpRequest {
  url: URL;
  /** The addresses the guard checked for `url`'s host. */
  addresses: readonly ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  header(name: string): string | null;
  /** The first MAX_RESPONSE_BYTES of the body at most. */
  body: Buffer;
}

/** One POST, never following redirects, bounded in time and in response size. */
export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

/** Thrown by a transport when the timeout ends the exchange. */
export class HttpTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/**
 * The default transport: node:http(s) connecting only to the addresses the
 * guard checked. Its `lookup` hands the socket those addresses instead of
 * resolving the name again, so a DNS answer that changes between the check
 * and the connection (DNS rebinding) cannot redirect the request to an
 * internal address. TLS still verifies the certificate against the URL's
 * host name (SNI and the Host header use the name, not the address).
 * No agent: every request gets a fresh connection, never one pooled for
 * another destination.
 */
export const pinnedHttpTransport: HttpTransport = (req) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const signal = AbortSignal.timeout(req.timeoutMs);
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(signal.aborted ? new HttpTimeoutError(req.timeoutMs) : err);
    };
    const pinned = req.addresses.map((a) => ({ address: a.address, family: a.family }));
    const lookup = (
      _hostname: string,
      options: LookupOneOptions & { all?: boolean },
      callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      const wanted = options.family === 4 || options.family === 6 ? pinned.filter((a) => a.family === options.family) : pinned;
      if (wanted.length === 0) {
        callback(Object.assign(new Error('no checked address of the requested family'), { code: 'ENOTFOUND' }), '', 0);
      } else if (options.all) {
        callback(null, wanted);
      } else {
        callback(null, wanted[0]!.address, wanted[0]!.family);
      }
    };
    const request = (req.url.protocol === 'https:' ? https : http).request(
      req.url,
      {
        method: 'POST',
        headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
        agent: false,
        lookup: lookup as unknown as http.RequestOptions['lookup'],
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          if (settled) return;
          settled = true;
          const headers = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => {
              const v = headers[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
            },
            body: Buffer.concat(chunks),
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          const take = chunk.subarray(0, MAX_RESPONSE_BYTES - size);
          chunks.push(take);
          size += take.length;
          if (size >= MAX_RESPONSE_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', fail);
        // a response cut off after the headers still has a status worth reporting
        res.on('close', finish);
      },
    );
    request.on('error', fail);
    request.end(req.body);
  });

/**
 * A transport over a `fetch` implementation (an injected one, or the global).
 * Redirects are not followed (`redirect: 'manual'`) and the timeout covers the
 * body too. `fetch` resolves the host name again when it connects, so the
 * address check is not pinned: a DNS answer that changes in between (DNS
 * rebinding) is the residual risk of this transport; prefer the default one.
 */
export function fetchTransport(fetchImpl: typeof fetch): HttpTransport {
  return async (req) => {
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const res = await fetchImpl(req.url, { method: 'POST', headers: req.headers, body: req.body, redirect: 'manual', signal });
      const body = await readCapped(res);
      return { status: res.status, header: (name) => res.headers.get(name), body };
    } catch (err) {
      if (signal.aborted) throw new HttpTimeoutError(req.timeoutMs);
      throw err;
    }
  };
}

async function readCapped(res: Response): Promise<Buffer> {
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    while (size < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, MAX_RESPONSE_BYTES - size));
      chunks.push(take);
      size += take.length;
    }
  } finally {
    // stop the download: the rest of the body is never read
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks);
}
