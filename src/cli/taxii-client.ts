import { ClientError } from './client.js';

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';

/**
 * A minimal TAXII 2.1 client for `accord intel pull` and `push`: one page in
 * memory at a time, never a whole collection. URLs come from the user's
 * command line only; URLs inside responses (discovery's api_roots) are never
 * followed.
 */
export class TaxiiClient {
  readonly root: URL;
  constructor(
    apiRootUrl: string,
    private readonly auth: string | undefined,
  ) {
    try {
      this.root = new URL(apiRootUrl.endsWith('/') ? apiRootUrl : `${apiRootUrl}/`);
    } catch {
      throw new ClientError('CLIENT_CONFIG', `not a URL: ${JSON.stringify(apiRootUrl)}`);
    }
    if (this.root.protocol !== 'http:' && this.root.protocol !== 'https:') throw new ClientError('CLIENT_CONFIG', 'the TAXII URL must be http or https');
  }

  private async call(method: string, path: string, query: Record<string, string | undefined> = {}, body?: unknown): Promise<{ body: unknown; headers: Headers }> {
    const url = new URL(path, this.root);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: TAXII_MEDIA };
    if (this.auth) headers.authorization = this.auth;
    if (body !== undefined) headers['content-type'] = TAXII_MEDIA;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'error' });
    } catch (err) {
      throw new ClientError('CLIENT_NETWORK', `Cannot reach ${url.origin}: ${String((err as Error).cause ?? (err as Error).message)}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      // keep the text for the error message
    }
    if (!res.ok) {
      const e = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { title?: string; description?: string; error_code?: string };
      throw new ClientError('CLIENT_HTTP', `${res.status} ${e.error_code ?? e.title ?? ''}: ${e.description ?? text.slice(0, 200)}`, res.status);
    }
    return { body: parsed, headers: res.headers };
  }

  /** One page of objects (§5.3). */
  async objects(collection: string, q: { added_after?: string; next?: string; limit?: number; types?: string[] }) {
    const r = await this.call('GET', `collections/${encodeURIComponent(collection)}/objects/`, {
      added_after: q.added_after,
      next: q.next,
      limit: q.limit === undefined ? undefined : String(q.limit),
      'match[type]': q.types?.join(','),
    });
    const env = r.body as { more?: boolean; next?: string; objects?: Record<string, unknown>[] };
    return { objects: env.objects ?? [], more: env.more === true, next: env.next, lastAdded: r.headers.get('x-taxii-date-added-last') ?? undefined };
  }

  /** Adds objects (§5.4) and returns the status resource. */
  async add(collection: string, objects: unknown[]): Promise<TaxiiStatus> {
    return (await this.call('POST', `collections/${encodeURIComponent(collection)}/objects/`, {}, { objects })).body as TaxiiStatus;
  }

  async status(id: string): Promise<TaxiiStatus> {
    return (await this.call('GET', `status/${encodeURIComponent(id)}/`)).body as TaxiiStatus;
  }

  /** Posts and waits for the status to complete (polling with backoff, bounded). */
  async addAndWait(collection: string, objects: unknown[], timeoutMs = 600_000): Promise<TaxiiStatus> {
    let s = await this.add(collection, objects);
    const deadline = Date.now() + timeoutMs;
    let wait = 100;
    while (s.status === 'pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 2000);
      s = await this.status(s.id);
    }
    return s;
  }
}

export interface TaxiiStatus {
  id: string;
  status: 'pending' | 'complete';
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  failures?: { id: string; version: string; message?: string }[];
}

/** `Authorization` for a token: Bearer (Accord) or Basic `user:password` when given as such. */
export function authHeader(token: string | undefined, basic?: string): string | undefined {
  if (basic) return `Basic ${Buffer.from(basic).toString('base64')}`;
  return token ? `Bearer ${token}` : undefined;
}
