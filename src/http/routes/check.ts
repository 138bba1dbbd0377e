import type { FastifyInstance } from 'fastify';
import type { Context } from '../../context.js';
import { findingsToCsafVex, findingsToSarif } from '../../advisory/findings-format.js';
import { MAX_SBOM_BYTES } from '../../advisory/sbom/model.js';
import { AccordError } from '../../errors.js';


/** "Am I affected?" for anyone: an SBOM or purl list against the coalition's advisories and imported OSV records. */
export function registerCheckRoutes(app: FastifyInstance, ctx: Context): void {
  app.get(
    '/api/v1/check/database',
    {
      schema: {
        tags: ['check'],
        summary: 'What SBOM checks match against: counts of coalition advisories and imported OSV records',
        security: [],
        response: { 200: { type: 'object', properties: { osv: { type: 'integer' }, accord: { type: 'integer' } } } },
      },
    },
    async () => ctx.store.vulndb.countVulnRecords(),
  );

  // The SBOM is read as bytes: the parser needs the text (CycloneDX/SPDX JSON or a purl list), checks its size first and never recurses.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_SBOM_BYTES }, (_req, body, done) => done(null, body));
    scope.post<{ Querystring: { format: 'json' | 'sarif' | 'csaf-vex' }; Body: Buffer }>(
      '/api/v1/check/sbom',
      {
        bodyLimit: MAX_SBOM_BYTES,
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['check'],
          summary: 'Check an SBOM (CycloneDX 1.4–1.6 JSON, SPDX 2.3 JSON, or one purl per line) for published vulnerabilities; findings name each component exactly as the SBOM does',
          security: [],
          querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'sarif', 'csaf-vex'], default: 'json' } } },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AccordError('VALIDATION_FAILED', 'Send the SBOM as the request body.');
        const r = await ctx.sbom.check(req.body);
        if (req.query.format === 'sarif') return reply.header('content-type', 'application/sarif+json').send(findingsToSarif(r.findings, { artifact: 'sbom', informationUri: ctx.config.publicUrl }));
        if (req.query.format === 'csaf-vex') {
          if (r.findings.length === 0) throw new AccordError('NOT_FOUND', 'No findings: a VEX document needs at least one vulnerability.');
          const now = ctx.clock.now().toISOString();
          const vex = findingsToCsafVex(r.findings, { trackingId: `ACCORD-SBOM-${now.slice(0, 19).replace(/[-:T]/g, '')}`, publisherNamespace: ctx.config.publicUrl, now });
          return reply.header('content-type', 'application/json').send(vex);
        }
        return r;
      },
    );
  });
}
