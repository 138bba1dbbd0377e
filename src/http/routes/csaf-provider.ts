import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Context } from '../../context.js';
import { csafFilename, type CsafDocument } from '../../advisory/csaf.js';
import { changesCsv, csafDocumentPath, hashFileContent, indexTxt, providerMetadata, rolieEntry, rolieFeedFilename, ROLIE_INFORMATION_TYPE } from '../../advisory/provider.js';
import type { AdvisoryVersion } from '../../disclosure/ports.js';
import { AccordError } from '../../errors.js';

const PAGE = 200;
const CACHE = 'public, max-age=300';

/** Every latest public version, newest first, a page at a time (nothing loads the whole list). */
async function* latestVersions(ctx: Context): AsyncGenerator<AdvisoryVersion[]> {
  let before: { published_at: string; advisory_id: string } | undefined;
  for (;;) {
    const page = await ctx.advisories.listPublished({ limit: PAGE, ...(before ? { before } : {}) });
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    before = { published_at: last.published_at, advisory_id: last.advisory_id };
  }
}

function docOf(v: AdvisoryVersion): CsafDocument {
  return JSON.parse(v.csaf) as CsafDocument;
}

function notFound(): AccordError {
  return new AccordError('NOT_FOUND', 'No such CSAF document.');
}

/**
 * The CSAF 2.0 provider (§7.1): provider-metadata.json, the TLP:WHITE
 * directory with index.txt and changes.csv, a ROLIE feed, each document with
 * its .sha256, .sha512 and OpenPGP .asc, and the public key. Everything is
 * the published, logged bytes; only TLP:CLEAR advisories are listed.
 */
export function registerCsafProviderRoutes(app: FastifyInstance, ctx: Context): void {
  const base = `${ctx.config.publicUrl}/.well-known/csaf`;
  const dir = `${base}/white`;
  const feedName = rolieFeedFilename('CLEAR');
  const keyUrl = `${base}/openpgp/${ctx.csafKey.fingerprint}.asc`;
  const hide = { schema: { hide: true } };

  app.get('/.well-known/csaf/provider-metadata.json', { schema: { tags: ['advisories'], summary: 'CSAF 2.0 provider metadata', security: [] } }, async (_req, reply) => {
    let lastUpdated: string | undefined;
    for await (const page of latestVersions(ctx)) {
      lastUpdated = page[0]!.published_at;
      break;
    }
    const org = await ctx.store.registry.listOrgs({ kind: 'secretariat', limit: 1 });
    if (!ctx.config.publicUrl.startsWith('https://')) {
      // CSAF 2.0 requirement 3: the provider is served over TLS; metadata naming an http URL would mislead aggregators.
      throw new AccordError('NOT_FOUND', 'The CSAF provider needs the public https URL: set ACCORD_PUBLIC_URL (the server may sit behind a TLS proxy).');
    }
    const meta = providerMetadata({
      canonicalUrl: `${base}/provider-metadata.json`,
      publisher: { name: org[0]?.name ?? 'Accord', namespace: ctx.config.publicUrl, category: 'coordinator' },
      role: 'csaf_trusted_provider',
      lastUpdated: lastUpdated ?? ctx.manifest.created_at,
      rolieFeeds: [{ tlp: 'CLEAR', url: `${dir}/${feedName}`, summary: 'Published advisories of the coalition' }],
      directoryUrl: dir,
      pgpKeyFingerprint: ctx.csafKey.fingerprint,
      pgpKeyUrl: keyUrl,
    });
    return reply.header('cache-control', CACHE).send(meta);
  });

  app.get('/.well-known/csaf/white/index.txt', hide, async (_req, reply) => {
    const lines = Readable.from(
      (async function* () {
        for await (const page of latestVersions(ctx)) yield indexTxt(page.map((v) => csafDocumentPath(docOf(v))));
      })(),
    );
    return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', CACHE).send(lines);
  });

  app.get('/.well-known/csaf/white/changes.csv', hide, async (_req, reply) => {
    const lines = Readable.from(
      (async function* () {
        for await (const page of latestVersions(ctx)) {
          yield changesCsv(page.map((v) => ({ path: csafDocumentPath(docOf(v)), currentReleaseDate: docOf(v).document.tracking.current_release_date })));
        }
      })(),
    );
    return reply.header('content-type', 'text/csv; charset=utf-8').header('cache-control', CACHE).send(lines);
  });

  app.get(`/.well-known/csaf/white/${feedName}`, hide, async (_req, reply) => {
    const entries = [];
    for await (const page of latestVersions(ctx)) {
      for (const v of page) {
        const doc = docOf(v);
        entries.push(rolieEntry({ doc, url: `${dir}/${csafDocumentPath(doc)}`, hashes: ['sha256', 'sha512'], signed: true }));
      }
    }
    return reply.header('content-type', 'application/json').header('cache-control', CACHE).send({
      feed: {
        id: 'accord-csaf-feed-tlp-white',
        title: 'Accord advisories (TLP:WHITE)',
        link: [{ rel: 'self', href: `${dir}/${feedName}` }],
        category: [{ scheme: ROLIE_INFORMATION_TYPE, term: 'csaf' }],
        updated: entries[0]?.updated ?? ctx.manifest.created_at,
        entry: entries,
      },
    });
  });

  app.get<{ Params: { year: string; file: string } }>('/.well-known/csaf/white/:year/:file', hide, async (req, reply) => {
    const m = /^([a-z0-9+_-]{1,128}\.json)(\.sha256|\.sha512|\.asc)?$/.exec(req.params.file);
    if (!m || !/^\d{4}$/.test(req.params.year)) throw notFound();
    const filename = m[1]!;
    // Accord's tracking ids are upper-case letters, digits and dashes, so the file name maps back to one.
    const trackingId = filename.slice(0, -'.json'.length).toUpperCase();
    let v: AdvisoryVersion;
    try {
      v = (await ctx.advisories.published(trackingId)).version;
    } catch {
      throw notFound();
    }
    const doc = docOf(v);
    if (csafFilename(v.tracking_id) !== filename || csafDocumentPath(doc) !== `${req.params.year}/${filename}`) throw notFound();
    return sendFile(reply, m[2] ?? '', v, filename);
  });

  app.get<{ Params: { file: string } }>('/.well-known/csaf/openpgp/:file', hide, async (req, reply) => {
    if (req.params.file !== `${ctx.csafKey.fingerprint}.asc`) throw notFound();
    return reply.header('content-type', 'application/pgp-keys').header('cache-control', CACHE).send(ctx.csafKey.publicKey);
  });

  app.get('/.well-known/security.txt', hide, async (_req, reply) => {
    // RFC 9116; the CSAF field is CSAF 2.0 requirement 8. Reports go to the coalition's public form.
    const expires = new Date(ctx.clock.now().getTime() + 180 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const text = [`Contact: ${ctx.config.publicUrl}/report`, `Expires: ${expires}`, `Policy: ${ctx.config.publicUrl}/report`, `CSAF: ${base}/provider-metadata.json`, 'Preferred-Languages: en', ''].join('\n');
    return reply.header('content-type', 'text/plain; charset=utf-8').send(text);
  });

}

function sendFile(reply: FastifyReply, suffix: string, v: AdvisoryVersion, filename: string): FastifyReply {
  reply.header('cache-control', CACHE);
  if (suffix === '') return reply.header('content-type', 'application/json').send(Buffer.from(v.csaf));
  if (suffix === '.asc') return reply.header('content-type', 'application/pgp-signature').send(v.csaf_signature);
  return reply.header('content-type', 'text/plain; charset=utf-8').send(hashFileContent(v.csaf, filename, suffix === '.sha256' ? 'sha256' : 'sha512'));
}
