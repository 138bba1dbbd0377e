import { randomUUID } from 'node:crypto';
import type { Context } from './context.js';
import { DEFAULT_API_ROOT, DEFAULT_COLLECTION_ID } from './context.js';
import { buildApp } from './http/app.js';
import { identityIdOfOrg } from './intel/identity.js';
import { SHARING_EXTENSION_ID } from './intel/service.js';
import { deterministicScoId } from './intel/stix/deterministic-id.js';
import { tlpMarkingId, type TlpLevel } from './intel/tlp.js';

/** What `init --demo` shared, for the summary. */
export interface DemoIntel {
  objects: number;
  by_tlp: Record<string, number>;
  sharing_group: string;
}

type Token = { org: string; email: string; role: string; token: string };

/**
 * Shares clearly labelled demo intelligence through the real TAXII and REST
 * paths, as the demo signatories' analysts would: objects of every TLP level
 * from three organisations, AMBER shared with a named organisation and with a
 * sharing group, RED for one named person, relationships and a sighting.
 * Nothing here is real threat data (documentation address ranges, .example).
 */
export async function publishDemoIntel(ctx: Context, tokens: readonly Token[]): Promise<DemoIntel> {
  const app = await buildApp(ctx, { logger: false, webRoot: null });
  const by: Record<string, number> = {};
  let total = 0;
  try {
    const token = (org: string, role: string) => tokens.find((t) => t.org === org && t.role === role)!;
    const call = async (t: Token, method: 'GET' | 'POST', url: string, payload?: unknown, taxii = false) => {
      const headers: Record<string, string> = { authorization: `Bearer ${t.token}` };
      if (taxii) headers.accept = 'application/taxii+json;version=2.1';
      if (payload !== undefined) headers['content-type'] = taxii ? 'application/taxii+json;version=2.1' : 'application/json';
      const r = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
      if (r.statusCode >= 300) throw new Error(`demo intel: ${method} ${url} answered ${r.statusCode}: ${r.body.slice(0, 500)}`);
      return r.json() as Record<string, unknown>;
    };
    const orgId = async (slug: string) => ((await ctx.store.registry.getOrgBySlug(slug))!).id;
    const post = async (t: Token, objects: Record<string, unknown>[]) => {
      const s = await call(t, 'POST', `/taxii2/${DEFAULT_API_ROOT}/collections/${DEFAULT_COLLECTION_ID}/objects/`, { objects }, true);
      if (s.failure_count !== 0) throw new Error(`demo intel refused: ${JSON.stringify(s.failures).slice(0, 500)}`);
      total += objects.length;
    };
    const when = (daysAgo: number, minutes = 0) => new Date(ctx.clock.now().getTime() - daysAgo * 86_400_000 - minutes * 60_000).toISOString();
    const mark = (o: Record<string, unknown>, tlp: TlpLevel, recipients?: string[]) => {
      by[tlp] = (by[tlp] ?? 0) + 1;
      return {
        ...o,
        object_marking_refs: [tlpMarkingId(tlp)],
        ...(recipients ? { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', recipients } } } : {}),
      };
    };
    const indicator = (org: string, daysAgo: number, name: string, pattern: string, labels: string[]) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${randomUUID()}`,
      created: when(daysAgo),
      modified: when(daysAgo),
      created_by_ref: identityIdOfOrg(org),
      name: `Demo · ${name}`,
      pattern,
      pattern_type: 'stix',
      valid_from: when(daysAgo),
      indicator_types: ['malicious-activity'],
      labels: ['demo', ...labels],
    });
    const sco = (type: string, value: string) => {
      const o: Record<string, unknown> = { type, spec_version: '2.1', value };
      return { ...o, id: deterministicScoId(o)! };
    };

    const northwind = await orgId('demo-northwind');
    const contoso = await orgId('demo-contoso-cloud');
    const fabrikam = await orgId('demo-fabrikam');
    const nw = token('demo-northwind', 'analyst');
    const co = token('demo-contoso-cloud', 'analyst');
    const fa = token('demo-fabrikam', 'analyst');

    // Contoso's org-admin sets up a sharing group with Northwind and Fabrikam.
    await call(token('demo-contoso-cloud', 'org-admin'), 'POST', '/api/v1/intel/groups', {
      slug: 'demo-cloud-isac',
      name: 'Demo · Cloud ISAC',
      description: 'Demo sharing group: cloud incident exchange',
      members: ['demo-northwind', 'demo-fabrikam'],
    });

    const malware = {
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${randomUUID()}`,
      created: when(12),
      modified: when(12),
      created_by_ref: identityIdOfOrg(northwind),
      name: 'Demo · NotReallyPetya',
      description: 'A fictitious wiper posing as ransomware, for the demo.',
      malware_types: ['wiper', 'ransomware'],
      is_family: true,
      labels: ['demo'],
    };
    const greenIndicator = indicator(northwind, 11, 'NotReallyPetya update server', "[domain-name:value = 'update.notreallypetya.example']", ['supply-chain']);
    const clear = [
      mark(malware, 'CLEAR'),
      mark(indicator(northwind, 10, 'Scanner hitting VPN gateways', "[ipv4-addr:value = '198.51.100.23'] OR [ipv4-addr:value = '198.51.100.24']", ['scanning']), 'CLEAR'),
      mark(sco('domain-name', 'update.notreallypetya.example'), 'CLEAR'),
    ];
    await post(nw, [
      ...clear,
      mark(greenIndicator, 'GREEN'),
      mark(
        {
          type: 'relationship',
          spec_version: '2.1',
          id: `relationship--${randomUUID()}`,
          created: when(11),
          modified: when(11),
          relationship_type: 'indicates',
          source_ref: greenIndicator.id,
          target_ref: malware.id,
        },
        'GREEN',
      ),
      mark(indicator(northwind, 6, 'Loader hash seen at a customer', "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']", ['loader']), 'AMBER', [
        'org:demo-contoso-cloud',
      ]),
      mark(indicator(northwind, 4, 'Internal red-team infrastructure', "[ipv4-addr:value = '203.0.113.77']", ['internal']), 'AMBER+STRICT'),
      mark(indicator(northwind, 2, 'Actor mailbox under law-enforcement watch', "[email-addr:value = 'operator@notreallypetya.example']", ['actor']), 'RED', [
        `user:${fa.email}`,
      ]),
    ]);
    await post(co, [
      mark(indicator(contoso, 8, 'Phishing kit landing page', "[url:value = 'https://login.contoso-support.example/oauth']", ['phishing']), 'GREEN'),
      mark(indicator(contoso, 5, 'Token-theft proxy', "[domain-name:value = 'sso-contoso.example'] OR [ipv4-addr:value = '192.0.2.45']", ['phishing', 'cloud']), 'AMBER', [
        'group:demo-cloud-isac',
      ]),
      mark(sco('ipv4-addr', '192.0.2.45'), 'GREEN'),
    ]);
    await post(fa, [
      mark(indicator(fabrikam, 3, 'Firmware update spoofing', "[url:value = 'http://firmware.fabrikam-updates.example/fw.bin']", ['supply-chain', 'firmware']), 'GREEN'),
      mark(indicator(fabrikam, 1, 'Botnet C2 (IoT)', "[ipv4-addr:value = '198.51.100.200'] OR [domain-name:value = 'c2.iot-botnet.example']", ['botnet']), 'AMBER', [
        'org:demo-northwind',
      ]),
    ]);
    // Fabrikam saw Northwind's GREEN indicator: the sighting is AMBER, so Northwind (the author) sees who saw it.
    await call(fa, 'POST', `/api/v1/intel/objects/${greenIndicator.id}/sightings`, { count: 3, description: 'Demo · seen in our update proxy logs', tlp: 'AMBER' });
    by.AMBER = (by.AMBER ?? 0) + 1;
    total += 1;
    return { objects: total, by_tlp: by, sharing_group: 'demo-cloud-isac' };
  } finally {
    await app.close();
  }
}
