/**
 * `accord match` end to end with the compiled CLI: indicators from a real
 * server (what the token may read) or a local bundle, logs matched on this
 * machine with worker threads, --json hit lines, gzip input, sightings sent
 * back to the authors, and sensor exports written to a directory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { api, cli, ensureBuilt, startServer, tempDir, type Server } from './helpers.js';

const tmp = tempDir('accord-cli-match-');
let srv: Server;
let analyst: string;

before(
  async () => {
    await ensureBuilt();
    const dir = join(tmp.path, 'data');
    const init = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
    assert.equal(init.code, 0, init.stderr);
    const out = JSON.parse(init.stdout) as { demo: { tokens: { org: string; role: string; token: string }[] } };
    analyst = out.demo.tokens.find((t) => t.org === 'demo-northwind' && t.role === 'analyst')!.token;
    srv = await startServer(dir);
  },
  { timeout: 120_000 },
);
after(async () => {
  await srv?.stop();
  tmp.cleanup();
});

describe('accord match', { timeout: 120_000 }, () => {
  test('matches a log against the server\'s indicators locally, prints JSON hits, reports sightings', async () => {
    const log = join(tmp.path, 'eve.json');
    const lines = [
      JSON.stringify({ event_type: 'flow', src_ip: '10.1.1.1', dest_ip: '198.51.100.24' }),
      JSON.stringify({ event_type: 'dns', dns: { queries: [{ rrname: 'deep.c2.iot-botnet.example' }] } }),
      JSON.stringify({ event_type: 'http', http: { hostname: 'higan.org' } }),
    ];
    writeFileSync(log, `${lines.join('\n')}\n`);
    const r = await cli(['--server', srv.url, '--token', analyst, '--json', 'match', log, '--workers', '2', '--report-sightings']);
    assert.equal(r.code, 0, r.stderr);
    const hits = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; value: string; tlp: string; indicator_id: string });
    // Fabrikam shared its botnet indicator (AMBER) with Northwind by name; the parent-domain walk finds the subdomain; higan.org matches nothing.
    assert.deepEqual(hits.map((x) => [x.line, x.value, x.tlp]), [[1, '198.51.100.24', 'CLEAR'], [2, 'deep.c2.iot-botnet.example', 'AMBER']]);
    assert.match(r.stderr, /2 sighting\(s\) reported/);
    const obj = await api<{ referenced_by?: { type?: string }[]; related?: { type?: string }[] }>(srv.url, analyst, 'GET', `/api/v1/intel/objects/${hits[0]!.indicator_id}`);
    assert.equal(obj.status, 200);
    assert.match(JSON.stringify(obj.body), /sighting--/, 'the sighting refers to the indicator');

    // The same log gzipped, anonymously (TLP:CLEAR only), table output and --fail-on-hits.
    const gz = join(tmp.path, 'eve.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(log)));
    const table = await cli(['--server', srv.url, 'match', gz, '--fail-on-hits', '--workers', '0']);
    assert.equal(table.code, 3, table.stderr);
    assert.match(table.stdout, /198\.51\.100\.24/);
    assert.match(table.stderr, /eve\.json\.gz: 3 lines \(json\), 1 hits/);
  });

  test('matches against a local bundle without any server', async () => {
    const bundle = join(tmp.path, 'bundle.json');
    writeFileSync(
      bundle,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--0b8bd2a4-4d8a-4d45-8f5e-f6b6e3b7a8a1',
        objects: [
          { type: 'indicator', spec_version: '2.1', id: 'indicator--6b2e1c3a-1f4e-4d2b-9a7c-2d1e3f4a5b6c', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', pattern: "[ipv4-addr:value ISSUBSET '192.0.2.0/24']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
          { type: 'indicator', spec_version: '2.1', id: 'indicator--7c3f2d4b-2a5f-4e3c-8b8d-3e2f4a5b6c7d', created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', pattern: "[domain-name:value = 'higan.org']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
        ],
      }),
    );
    const log = join(tmp.path, 'conn.log');
    writeFileSync(log, '#separator \\x09\n#fields\tts\tid.orig_h\tid.resp_h\tquery\n1.0\t10.0.0.1\t192.0.2.99\t-\n2.0\t10.0.0.1\t10.9.9.9\tmichigan.org\n3.0\t10.0.0.1\t10.9.9.9\twww.higan.org\n');
    const r = await cli(['--json', 'match', log, '--indicators', bundle]);
    assert.equal(r.code, 0, r.stderr);
    const hits = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; field: string; kind: string });
    assert.deepEqual(hits.map((x) => [x.line, x.field, x.kind]), [[3, 'id.resp_h', 'cidr'], [5, 'query', 'domain']]);
  });

  test('writes sensor files to a directory', async () => {
    const out = join(tmp.path, 'sensors');
    const r = await cli(['--server', srv.url, '--token', analyst, '--json', 'match', 'export', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { files: Record<string, number> };
    assert.ok(summary.files['zeek/accord.intel']! >= 1);
    assert.match(readFileSync(join(out, 'zeek', 'accord.intel'), 'utf8'), /Intel::ADDR/);
    assert.match(readFileSync(join(out, 'suricata', 'datasets', 'accord-datasets.rules'), 'utf8'), /dataset:/);
  });
});
