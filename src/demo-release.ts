import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { buildApp } from './http/app.js';
import { IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from './release/dsse.js';
import { generateReleaseKeyPair, importPrivateKey } from './release/keys.js';
import { buildReleaseStatement } from './release/statement.js';

/** The demo release that `init --demo` publishes, with the files to try `accord verify` on. */
export interface DemoRelease {
  purl: string;
  index: number;
  file: string;
  statement: string;
  proof: string;
}

/**
 * Publishes a clearly labelled demo release through the real API, as a demo
 * signatory's org-admin would: register a release key, sign an in-toto
 * statement over a sample file, publish it. Leaves the file, the envelope and
 * its tlog-proof in DIR/demo/ so people can try `accord verify` at once.
 */
export async function publishDemoRelease(ctx: Context, orgAdminToken: string, org: string): Promise<DemoRelease> {
  const app = await buildApp(ctx, { logger: false, webRoot: null });
  try {
    const call = async (method: 'POST', url: string, payload: unknown) => {
      const r = await app.inject({ method, url, headers: { authorization: `Bearer ${orgAdminToken}` }, payload: payload as object });
      if (r.statusCode >= 300) throw new Error(`demo release: ${method} ${url} answered ${r.statusCode}: ${r.body}`);
      return r.json() as Record<string, unknown>;
    };
    const key = generateReleaseKeyPair('ed25519');
    await call('POST', `/api/v1/orgs/${org}/keys`, { name: 'Demo release key', public_key: key.publicPem });
    const name = `${org}-agent-1.0.0.tar.gz`;
    const artifact = Buffer.from(`Demo · sample release artifact of ${org}, version 1.0.0. Not real software.\n`);
    const purl = `pkg:generic/${org}/agent@1.0.0`;
    const statement = buildReleaseStatement({ purl, subjects: [{ name, sha256: createHash('sha256').update(artifact).digest('hex') }] });
    const envelope = serializeEnvelope(signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [importPrivateKey(key.privatePem)]));
    const published = await call('POST', '/api/v1/releases', JSON.parse(envelope));
    const dir = join(ctx.config.dataDir, 'demo');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files = { file: join(dir, name), statement: join(dir, `${org}-agent-1.0.0.intoto.json`), proof: join(dir, `${org}-agent-1.0.0.proof`) };
    writeFileSync(files.file, artifact);
    writeFileSync(files.statement, envelope);
    writeFileSync(files.proof, String(published.tlog_proof));
    return { purl, index: Number(published.index), ...files };
  } finally {
    await app.close();
  }
}
