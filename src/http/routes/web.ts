import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { sendProblem } from '../error-handler.js';

const API_PREFIXES = ['/api/', '/taxii2', '/log/', '/healthz', '/.well-known/'];

/** Serves the built console; any other GET for a page falls back to index.html (client-side routing). */
export async function registerWebRoutes(app: FastifyInstance, webRoot: string | null): Promise<void> {
  const root = webRoot && existsSync(join(webRoot, 'index.html')) ? webRoot : null;
  if (root) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      // Vite fingerprints assets, so they can be cached for good; index.html must not be.
      setHeaders: (reply, path) => reply.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const isPage = req.method === 'GET' && !API_PREFIXES.some((p) => path.startsWith(p)) && !/\.[a-z0-9]+$/i.test(path);
    if (isPage) {
      if (root) return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
      return reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Accord</title><p>The web console is not built. Run <code>npm run build</code>. The API is at <a href="/api/docs">/api/docs</a>.</p>');
    }
    return sendProblem(req, reply, { status: 404, code: 'NOT_FOUND', detail: `Nothing at ${req.method} ${path}.` });
  });
}
