import { AccordError } from '../errors.js';

export type ClientErrorCode = 'CLIENT_CONFIG' | 'CLIENT_HTTP' | 'CLIENT_NETWORK';

/** An API error as the server described it (RFC 9457), or a transport failure. */
export class ClientError extends AccordError<ClientErrorCode> {
  constructor(
    code: ClientErrorCode,
    message: string,
    readonly status?: number,
    readonly problem?: { code?: string; detail?: string; errors?: { path: string; message: string }[] },
  ) {
    super(code, message);
  }
}

export interface ClientOptions {
  server?: string;
  token?: string;
}

/** A small client for Accord's REST API, used by the CLI's client commands. */
export class ApiClient {
  readonly base: URL;
  constructor(
    server: string | undefined,
    private readonly token: string | undefined,
    /** Sent with every request (a case link, for instance). */
    private readonly headers: Record<string, string> = {},
  ) {
    if (!server) throw new ClientError('CLIENT_CONFIG', 'No server: pass --server URL or set ACCORD_SERVER.');
    try {
      this.base = new URL(server.endsWith('/') ? server : server + '/');
    } catch {
      throw new ClientError('CLIENT_CONFIG', `--server must be a URL, got ${JSON.stringify(server)}`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new ClientError('CLIENT_CONFIG', '--server must be an http or https URL');
    }
  }

  /** Calls `method path` (relative to /api/v1/) and returns the parsed JSON (or text for non-JSON). */
  async request<T = unknown>(method: string, path: string, body?: unknown, query?: Record<string, string | number | string[] | undefined>): Promise<T> {
    const url = new URL(path.startsWith('/') ? path.slice(1) : `api/v1/${path}`, this.base);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ClientError('CLIENT_NETWORK', `Cannot reach ${this.base.origin}: ${(err as Error).cause ?? (err as Error).message}`);
    }
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text.length > 0 ? (JSON.parse(text) as unknown) : text;
    if (!res.ok) {
      const p = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as ClientError['problem'] & { title?: string };
      const fields = p?.errors?.map((e) => `\n  ${e.path || '(body)'}: ${e.message}`).join('') ?? '';
      throw new ClientError('CLIENT_HTTP', `${res.status} ${p?.code ?? ''}: ${p?.detail ?? (text.slice(0, 200) || res.statusText)}${fields}`, res.status, p);
    }
    return parsed as T;
  }
}
