/**
 * `accord advisory import-osv` (a zip and a directory, incremental) and
 * `accord check sbom` (locally with --data and against a server; table,
 * --json findings, SARIF, CSAF VEX, --fail-on-findings) with the compiled CLI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ensureBuilt, startServer, tempDir, type Server } from './helpers.js';
import { makeZip } from '../support/zip.js';

const tmp = tempDir('accord-cli-check-');
const dir = join(tmp.path, 'data');
let srv: Server | undefined;

function record(id: string, ecosystem: string, name: string, fixed: string, modified = '2026-01-01T00:00:00Z') {
  return { schema_version: '1.6.0', id, modified, aliases: [], summary: `flaw in ${name}`, affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }] };
}

before(
  async () => {
    await ensureBuilt();
    const init = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
    assert.equal(init.code, 0, init.stderr);
  },
  { timeout: 120_000 },
);
after(async () => {
  await srv?.stop();
  tmp.cleanup();
});

describe('accord check sbom / advisory import-osv', { timeout: 120_000 }, () => {
  test('imports a zip and a directory incrementally, then checks an SBOM locally and through the server', async () => {
    const zip = join(tmp.path, 'osv.zip');
    writeFileSync(
      zip,
      makeZip([
        { name: 'PYSEC-2026-1.json', data: Buffer.from(JSON.stringify(record('PYSEC-2026-1', 'PyPI', 'Demo_Requests', '2.31.0'))) },
        { name: 'DSA-9999-1.json', data: Buffer.from(JSON.stringify(record('DSA-9999-1', 'Debian:12', 'openssl-demo', '3.0.11-1~deb12u2'))) },
        { name: 'README.txt', data: Buffer.from('not a record') },
        { name: 'broken.json', data: Buffer.from('{') },
      ]),
    );
    const first = await cli(['--json', 'advisory', 'import-osv', zip, '--data', dir]);
    assert.equal(first.code, 0, first.stderr);
    const s1 = JSON.parse(first.stdout);
    assert.deepEqual([s1.files, s1.inserted, s1.skipped['not JSON']], [3, 2, 1]);
    const again = JSON.parse((await cli(['--json', 'advisory', 'import-osv', zip, '--data', dir])).stdout);
    assert.deepEqual([again.inserted, again.unchanged], [0, 2]);
    const osvDir = join(tmp.path, 'osv-dir', 'nested');
    mkdirSync(osvDir, { recursive: true });
    writeFileSync(join(osvDir, 'RUSTSEC-2026-0001.json'), JSON.stringify(record('RUSTSEC-2026-0001', 'crates.io', 'demo_crate', '0.5.0')));
    const fromDir = JSON.parse((await cli(['--json', 'advisory', 'import-osv', join(tmp.path, 'osv-dir'), '--data', dir])).stdout);
    assert.equal(fromDir.inserted, 1);

    const sbom = join(tmp.path, 'bom.json');
    writeFileSync(
      sbom,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [
          { 'bom-ref': 'r', name: 'demo-requests', version: '2.30.0', purl: 'pkg:pypi/demo-requests@2.30.0' },
          { 'bom-ref': 'o', name: 'openssl-demo', version: '3.0.11-1~deb12u1', purl: 'pkg:deb/debian/openssl-demo@3.0.11-1~deb12u1?distro=debian-12' },
          { 'bom-ref': 'o2', name: 'openssl-demo', version: '3.0.11-1~deb12u2', purl: 'pkg:deb/debian/openssl-demo@3.0.11-1~deb12u2?distro=debian-12' },
          { 'bom-ref': 'c', name: 'demo-crate', version: '0.4.9', purl: 'pkg:cargo/Demo-Crate@0.4.9' },
          { 'bom-ref': 'n', name: 'nw-widget', version: '1.2.0', purl: 'pkg:npm/nw-widget@1.2.0' },
        ],
      }),
    );
    const local = await cli(['--json', 'check', 'sbom', sbom, '--data', dir]);
    assert.equal(local.code, 0, local.stderr);
    const findings = JSON.parse(local.stdout) as { advisory_id: string; component: { purl: string }; fixed_version: string | null }[];
    const got = findings.map((f) => `${f.advisory_id} ${f.component.purl} → ${f.fixed_version}`).sort();
    assert.deepEqual(got, [
      'ACCORD-2026-0001-1 pkg:npm/nw-widget@1.2.0 → 1.3.0'.replace('ACCORD-2026-0001-1', findings.find((f) => f.component.purl.startsWith('pkg:npm/nw-widget'))!.advisory_id),
      'DSA-9999-1 pkg:deb/debian/openssl-demo@3.0.11-1~deb12u1?distro=debian-12 → 3.0.11-1~deb12u2',
      'PYSEC-2026-1 pkg:pypi/demo-requests@2.30.0 → 2.31.0',
      'RUSTSEC-2026-0001 pkg:cargo/Demo-Crate@0.4.9 → 0.5.0',
    ].sort());

    srv = await startServer(dir);
    const table = await cli(['--server', srv.url, 'check', 'sbom', sbom]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /5 components \(cyclonedx 1\.6\)/);
    assert.match(table.stdout, /4 finding\(s\) in 4 component\(s\): 4 exact, 0 possible/);
    const failing = await cli(['--server', srv.url, 'check', 'sbom', sbom, '--fail-on-findings']);
    assert.equal(failing.code, 3);
    const sarifFile = join(tmp.path, 'out.sarif');
    assert.equal((await cli(['--server', srv.url, 'check', 'sbom', sbom, '--format', 'sarif', '-o', sarifFile])).code, 0);
    assert.equal(JSON.parse(readFileSync(sarifFile, 'utf8')).runs[0].results.length, 4);
    const vexFile = join(tmp.path, 'vex.json');
    assert.equal((await cli(['check', 'sbom', sbom, '--data', dir, '--format', 'csaf-vex', '-o', vexFile])).code, 0);
    const validated = await cli(['advisory', 'validate', vexFile]);
    assert.equal(validated.code, 0, validated.stdout);
    const purls = await cli(['--server', srv.url, '--json', 'check', 'sbom', '-'], { input: 'pkg:pypi/Demo.Requests@2.31.0\n' });
    assert.deepEqual(JSON.parse(purls.stdout), [], 'the fixed version from stdin: no finding');
  });
});
