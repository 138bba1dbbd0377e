import { loadConfig } from '../config/config.js';
import { readEnv } from '../config/env.js';
import { formatPolicy } from '../ledger/policy.js';
import { buildTrustFile, type TrustFile } from '../release/trust.js';

/**
 * The trust file of a data directory, read from its database (no server):
 * what `GET /api/v1/trust` answers — the log's tlog-policy and every member
 * signatory's release keys with their namespaces — for `accord trust export
 * --data DIR` on the machine that holds the log.
 */
export async function localTrustFile(dataDir: string, now = new Date()): Promise<TrustFile> {
  const [{ openStore, configuredWitnesses, QUORUM_SETTING }, { readManifest }] = await Promise.all([import('../context.js'), import('../data-dir.js')]);
  const config = loadConfig(readEnv(), { dataDir });
  const manifest = readManifest(config.dataDir);
  const store = await openStore(config);
  try {
    const policy = formatPolicy({
      logVkey: manifest.log_vkey,
      witnesses: await configuredWitnesses(store.registry),
      quorum: (await store.registry.getSetting<number>(QUORUM_SETTING)) ?? 0,
    });
    const signatories: Parameters<typeof buildTrustFile>[0]['signatories'][number][] = [];
    let after: string | undefined;
    for (;;) {
      const orgs = await store.registry.listOrgs({ kind: 'signatory', status: ['member'], limit: 100, ...(after === undefined ? {} : { after }) });
      for (const o of orgs) signatories.push({ slug: o.slug, name: o.name, keys: await store.registry.listKeys(o.id) });
      if (orgs.length < 100) break;
      after = orgs[orgs.length - 1]!.slug;
    }
    return buildTrustFile({ generatedAt: now.toISOString(), policy, signatories });
  } finally {
    await store.close();
  }
}
