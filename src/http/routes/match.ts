import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../context.js';
import { callerOf } from '../../intel/service.js';
import type { IntelObjectVersion } from '../../intel/ports.js';
import { compileIndicators, indicatorInputFromStix, type IndicatorInput } from '../../match/compile.js';
import { matchStream } from '../../match/matcher.js';
import { exportSensorFiles } from '../../match/export.js';
import { AccordError } from '../../errors.js';

/** Largest log accepted by the upload endpoint (bigger logs: `accord match` runs locally, logs never leave the machine). */
export const MATCH_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Hit lines one upload answers with; the stats line still counts them all. */
export const MAX_UPLOAD_HITS = 100_000;
const LOG_FORMATS = ['auto', 'jsonl', 'zeek', 'csv', 'text'] as const;
const READER_FORMAT = { jsonl: 'json', zeek: 'zeek-tsv', csv: 'csv', text: 'text' } as const;

/**
 * Every indicator the caller may read (TLP enforced by the store's query),
 * latest versions, a page at a time: in the matcher's input shape with the
 * stored TLP level (the object's marking, or its collection's default).
 */
export async function* visibleIndicators(ctx: Context, req: FastifyRequest): AsyncGenerator<IndicatorInput> {
  const caller = callerOf(req.principal);
  const collections = (await ctx.intel.store.listCollections()).filter((c) => ctx.intel.rights(c, caller).read);
  for (const c of collections) {
    let after: number | undefined;
    for (;;) {
      const { rows, more } = await ctx.intel.list(c, caller, { limit: 1000, version: { kind: 'last' }, types: ['indicator'], ...(after === undefined ? {} : { after }) });
      for (const r of rows as IntelObjectVersion[]) {
        const input = indicatorInputFromStix(JSON.parse(r.json) as Record<string, unknown>, r.tlp);
        if (input) yield { ...input, tlp: r.tlp };
      }
      if (!more || rows.length === 0) break;
      after = rows[rows.length - 1]!.seq;
    }
  }
}

/** Indicator matching for sensors and uploads: what the caller may read, compiled per request. */
export function registerMatchRoutes(app: FastifyInstance, ctx: Context): void {
  app.get(
    '/api/v1/match/indicators',
    {
      schema: {
        tags: ['match'],
        summary: 'The indicators you may read (TLP enforced), one JSON object per line, for `accord match` to compile locally: your logs never leave your machine',
      },
    },
    async (req, reply) => {
      const lines = Readable.from(
        (async function* () {
          let chunk = '';
          for await (const i of visibleIndicators(ctx, req)) {
            chunk += `${JSON.stringify(i)}\n`;
            if (chunk.length > 64 * 1024) {
              yield chunk;
              chunk = '';
            }
          }
          if (chunk) yield chunk;
        })(),
      );
      return reply.header('content-type', 'application/x-ndjson').header('cache-control', 'private, no-store').send(lines);
    },
  );

  const exportQuery = {
    type: 'object',
    additionalProperties: false,
    properties: { since: { type: 'string', format: 'date-time' } },
  } as const;

  app.get<{ Querystring: { since?: string } }>(
    '/api/v1/match/exports',
    { schema: { tags: ['match'], summary: 'Sensor files (Suricata datasets and IP reputation, a Zeek intel file, plain blocklists) of the indicators you may read: the list with line counts', querystring: exportQuery } },
    async (req) => {
      const summary = await exportSensorFiles(visibleIndicators(ctx, req), { write: () => undefined }, { now: ctx.clock.now(), ...(req.query.since ? { since: req.query.since } : {}) });
      return { files: Object.entries(summary.files).map(([path, lines]) => ({ path, lines })), summary: { indicators: summary.indicators, added: summary.added, removed: summary.removed, notListable: summary.notListable, tooWide: summary.tooWide } };
    },
  );

  app.get<{ Querystring: { path: string; since?: string } }>(
    '/api/v1/match/exports/file',
    {
      schema: {
        tags: ['match'],
        summary: 'One sensor file, streamed; with `since`, only what changed after it (removals in *.removed.* files)',
        querystring: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: { type: 'string', pattern: '^[a-z]+(/[a-z]+)?/[A-Za-z0-9_.-]+$', maxLength: 200 }, since: { type: 'string', format: 'date-time' } } },
      },
    },
    async (req, reply) => {
      const want = req.query.path;
      const out = new PassThrough();
      let found = false;
      const run = exportSensorFiles(
        visibleIndicators(ctx, req),
        {
          write: async (file, text) => {
            if (file !== want) return;
            found = true;
            if (!out.write(text)) await new Promise((r) => out.once('drain', r));
          },
        },
        { now: ctx.clock.now(), ...(req.query.since ? { since: req.query.since } : {}) },
      );
      // The first piece decides between a file and a 404; the rest streams.
      const summary = await Promise.race([run, new Promise<null>((r) => out.once('readable', () => r(null)))]);
      if (summary !== null && !found) {
        // A file the export knows but wrote nothing into (no MD5 indicators, say) is an empty file, not a missing one.
        if (!(want in summary.files)) throw new AccordError('NOT_FOUND', `No sensor file ${JSON.stringify(want)} (see GET /api/v1/match/exports).`);
        out.end();
      }
      void run.then(
        () => out.end(),
        (err: unknown) => out.destroy(err as Error),
      );
      const name = want.slice(want.lastIndexOf('/') + 1);
      return reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store').send(out);
    },
  );

  // Logs are read as a stream of bytes: the matcher takes chunks, never the whole upload as a string.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { bodyLimit: MATCH_UPLOAD_BYTES }, (_req, payload, done) => done(null, payload));
    scope.post<{ Querystring: { format: (typeof LOG_FORMATS)[number] }; Body: NodeJS.ReadableStream }>(
      '/api/v1/match',
      {
        bodyLimit: MATCH_UPLOAD_BYTES,
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['match'],
          summary: 'Match an uploaded log (JSON lines with ECS / Zeek / Suricata EVE fields, Zeek TSV, CSV or text; ≤ 64 MiB) against the indicators you may read; NDJSON hits, then a stats line',
          querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: [...LOG_FORMATS], default: 'auto' } } },
        },
      },
      async (req, reply) => {
        const compiled = await compileIndicators(visibleIndicators(ctx, req), { now: ctx.clock.now() });
        const input = req.body as AsyncIterable<Buffer>;
        const run = matchStream(compiled, input, req.query.format === 'auto' ? {} : { format: READER_FORMAT[req.query.format] });
        // Read the whole upload (bounded by the body limit) before answering, so a refused body is a clean 4xx.
        // At most MAX_UPLOAD_HITS hit lines: a log crafted to hit on every line must not turn into an unbounded answer in memory.
        const hits: string[] = [];
        for await (const h of run) if (hits.length < MAX_UPLOAD_HITS) hits.push(JSON.stringify(h));
        const truncated = run.stats.hits > hits.length;
        const body = `${hits.join('\n')}${hits.length > 0 ? '\n' : ''}${JSON.stringify({ stats: { ...run.stats, ...(truncated ? { hits_returned: hits.length, truncated } : {}) } })}\n`;
        return reply.header('content-type', 'application/x-ndjson').header('cache-control', 'private, no-store').send(body);
      },
    );
  });
}
