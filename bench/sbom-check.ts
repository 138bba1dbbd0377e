/**
 * Benchmark: "am I affected?" for one SBOM, whole process, in memory.
 * A deterministic synthetic feed of 200,000 OSV-like records over ~50,000
 * package names (npm, PyPI, Maven, Debian:11/12; SEMVER and ECOSYSTEM ranges
 * with several introduced/fixed pairs, last_affected, "0", versions lists)
 * and a 4,000-component CycloneDX 1.6 SBOM (nested components, a dependency
 * graph) of which a share names advisory packages. Times parsing the SBOM,
 * loading/indexing the records, and `check` run 5 times (the first run also
 * compiles the ranges it touches, lazily), with RSS.
 *   node --import tsx bench/sbom-check.ts [records] [components]
 */
import { AdvisoryMatcher, type VulnerabilityRecord } from '../src/advisory/sbom/matcher.js';
import { parseSbom } from '../src/advisory/sbom/parse.js';

const RECORDS = Number(process.argv[2] ?? 200_000);
const COMPONENTS = Number(process.argv[3] ?? 4_000);
const NAMES = 50_000;

// mulberry32: a small deterministic PRNG, so every run sees the same data.
let state = 0x5eed;
function rnd(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number) => Math.floor(rnd() * n);

type Eco = 'npm' | 'PyPI' | 'Maven' | 'Debian';
interface Pkg {
  eco: Eco;
  name: string;
  group?: string;
}
const packages: Pkg[] = [];
for (let i = 0; i < NAMES; i++) {
  const r = i % 20;
  if (r < 7) packages.push({ eco: 'npm', name: i % 9 === 0 ? `@scope${i % 97}/lib-${i}` : `lib-${i}` });
  else if (r < 13) packages.push({ eco: 'PyPI', name: i % 5 === 0 ? `Py_Package.${i}` : `py-package-${i}` });
  else if (r < 17) packages.push({ eco: 'Maven', group: `org.example${i % 211}`, name: `artifact-${i}` });
  else packages.push({ eco: 'Debian', name: `srcpkg${i}` });
}

function version(eco: Eco, major: number, minor: number, patch: number, pre = false): string {
  switch (eco) {
    case 'npm':
      return pre ? `${major}.${minor}.${patch}-beta.${int(5)}` : `${major}.${minor}.${patch}`;
    case 'PyPI':
      return pre ? `${major}.${minor}.${patch}rc${int(3) + 1}` : patch === 0 && rnd() < 0.3 ? `${major}.${minor}` : `${major}.${minor}.${patch}`;
    case 'Maven':
      return pre ? `${major}.${minor}.${patch}-RC${int(3) + 1}` : rnd() < 0.1 ? `${major}.${minor}.${patch}.Final` : `${major}.${minor}.${patch}`;
    case 'Debian':
      return `${rnd() < 0.1 ? '1:' : ''}${major}.${minor}.${patch}-${int(4) + 1}${rnd() < 0.5 ? `+deb12u${int(4) + 1}` : ''}`;
  }
}

function record(i: number): VulnerabilityRecord {
  // Skewed choice: a tenth of the packages get half of the records (popular packages have many advisories).
  const pkg = rnd() < 0.5 ? packages[int(NAMES / 10) * 10 + (i % 10)]! : packages[int(NAMES)]!;
  const name = pkg.eco === 'Maven' ? `${pkg.group}:${pkg.name}` : pkg.name;
  const ecosystem = pkg.eco === 'Debian' ? (rnd() < 0.5 ? 'Debian:12' : 'Debian:11') : pkg.eco;
  const type = pkg.eco === 'npm' ? 'SEMVER' : 'ECOSYSTEM';
  const events: Record<string, string>[] = [];
  const pairs = 1 + (rnd() < 0.3 ? 1 : 0) + (rnd() < 0.1 ? 1 : 0);
  // The schema allows "fixed" or "last_affected" events in a range, not both.
  const lastAffected = rnd() < 0.08;
  let major = int(3);
  for (let p = 0; p < pairs; p++) {
    events.push({ introduced: p === 0 && rnd() < 0.4 ? '0' : version(pkg.eco, major, int(10), 0) });
    if (lastAffected) events.push({ last_affected: version(pkg.eco, major, 10 + int(5), int(20)) });
    else if (p < pairs - 1 || rnd() < 0.95) events.push({ fixed: version(pkg.eco, major, 10 + int(5), int(20), rnd() < 0.05) });
    major += 1 + int(2);
  }
  if (rnd() < 0.3) events.reverse(); // feeds do not always sort their events
  const affected: VulnerabilityRecord['affected'][number] = { package: { ecosystem, name }, ranges: [{ type, events }] };
  if (pkg.eco === 'PyPI' && rnd() < 0.5) {
    (affected as { versions?: string[] }).versions = Array.from({ length: 10 + int(30) }, (_, k) => `${int(3)}.${k % 15}.${int(5)}`);
  }
  return {
    id: `BENCH-${String(i).padStart(7, '0')}`,
    aliases: [`CVE-2026-${10000 + i}`],
    summary: `Synthetic advisory ${i} for ${name}`,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [affected],
    source: i % 10 === 0 ? 'accord' : 'osv',
    published: '2026-01-01T00:00:00Z',
    modified: '2026-06-01T00:00:00Z',
  };
}

function purlOf(p: Pkg, v: string): string {
  switch (p.eco) {
    case 'npm':
      return `pkg:npm/${p.name.replace('@', '%40')}@${v}`;
    case 'PyPI':
      return `pkg:pypi/${p.name}@${v}`;
    case 'Maven':
      return `pkg:maven/${p.group}/${p.name}@${v}`;
    case 'Debian':
      return `pkg:deb/debian/lib${p.name}@${encodeURIComponent(v)}?arch=amd64&upstream=${p.name}&distro=debian-${rnd() < 0.7 ? 12 : 11}`;
  }
}

function sbomText(): string {
  const components: Record<string, unknown>[] = [];
  const deps: { ref: string; dependsOn: string[] }[] = [{ ref: 'app', dependsOn: [] }];
  for (let i = 0; i < COMPONENTS; i++) {
    // 60% popular packages (likely advisories), 40% random ones.
    const p = rnd() < 0.6 ? packages[int(NAMES / 10) * 10 + int(10)]! : packages[int(NAMES)]!;
    const v = version(p.eco, int(5), int(15), int(20), rnd() < 0.03);
    // 2% carry no version at all (a "possible" match when the package has advisories).
    const c =
      rnd() < 0.02
        ? { type: 'library', 'bom-ref': `c${i}`, name: p.name, purl: purlOf(p, v).replace(/@[^?]*/, '') }
        : { type: 'library', 'bom-ref': `c${i}`, name: p.name, version: v, purl: purlOf(p, v), ...(p.group ? { group: p.group } : {}) };
    const parent = i > 10 && i % 25 === 0 ? components[int(components.length)] : undefined;
    if (parent !== undefined) ((parent.components ??= []) as unknown[]).push(c);
    else components.push(c);
    if (i < 200) deps[0]!.dependsOn.push(`c${i}`);
    else deps.push({ ref: `c${int(i)}`, dependsOn: [`c${i}`, `c${int(COMPONENTS)}`] });
  }
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { component: { type: 'application', 'bom-ref': 'app', name: 'bench-app', version: '1.0.0' } },
    components,
    dependencies: deps,
  });
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const rss = () => mb(process.memoryUsage().rss);

const tGen = performance.now();
const records = Array.from({ length: RECORDS }, (_, i) => record(i));
const text = sbomText();
console.log(`generated ${RECORDS} records over ${NAMES} names and a ${COMPONENTS}-component SBOM (${(text.length / 1024).toFixed(0)} KiB) in ${((performance.now() - tGen) / 1000).toFixed(1)} s; RSS ${rss()}`);

let t = performance.now();
const sbom = parseSbom(text);
console.log(`parse SBOM: ${(performance.now() - t).toFixed(1)} ms, ${sbom.components.length} components, ${sbom.warnings.length} warnings`);

t = performance.now();
const matcher = new AdvisoryMatcher();
for (const r of records) matcher.add(r);
const loadMs = performance.now() - t;
const st = matcher.stats();
console.log(`load + index: ${loadMs.toFixed(0)} ms for ${st.records} records (${st.entries} entries, ${st.keys} package keys); RSS ${rss()}`);

const runs: number[] = [];
let findings = 0;
let exact = 0;
for (let run = 0; run < 5; run++) {
  t = performance.now();
  const r = matcher.check(sbom.components);
  runs.push(performance.now() - t);
  findings = r.findings.length;
  exact = r.findings.filter((f) => f.confidence === 'exact').length;
}
const sorted = [...runs].sort((a, b) => a - b);
console.log(`check x5: ${runs.map((x) => x.toFixed(1)).join(', ')} ms`);
console.log(`check: median ${sorted[2]!.toFixed(1)} ms, max ${sorted[4]!.toFixed(1)} ms (first run compiles the ranges it touches)`);
console.log(`findings: ${findings} (${exact} exact, ${findings - exact} possible) for ${COMPONENTS} components`);
console.log(`RSS after checks: ${rss()}; heap used ${mb(process.memoryUsage().heapUsed)}`);

// --- The database path the server and `accord check sbom --data` take (BENCH_DB=1; BENCH_PG=postgres://… for PostgreSQL):
// the records written as an OSV zip, imported with importOsv (streamed, batched), then checkSbom loading only the
// records of the packages the SBOM names, 5 times.
if (process.env.BENCH_DB === '1' || process.env.BENCH_PG) {
  const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { osvFiles } = await import('../src/cli/osv-source.js');
  const { importOsv } = await import('../src/advisory/osv-import.js');
  const { SbomChecker } = await import('../src/advisory/sbom-check.js');
  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-vulndb-'));
  try {
    const zipPath = join(dir, 'all.zip');
    t = performance.now();
    // One file per record, zipped by Info-ZIP (Zip64: osv.dev's all.zip has far more than 65,535 entries too).
    mkdirSync(join(dir, 'osv'));
    for (const r of records) writeFileSync(join(dir, 'osv', `${r.id}.json`), JSON.stringify({ schema_version: '1.6.0', ...r, source: undefined }));
    execFileSync('zip', ['-q', '-r', '-1', zipPath, 'osv'], { cwd: dir });
    rmSync(join(dir, 'osv'), { recursive: true });
    console.log(`\nwrote the records as an OSV zip in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    let store;
    if (process.env.BENCH_PG) {
      const { createTestDatabase } = await import('../test/store/pg-harness.js');
      const { openPostgresStore } = await import('../src/store/postgres/open.js');
      const db = await createTestDatabase();
      const s = await openPostgresStore(db.url);
      store = { ...s, close: async () => { await s.close(); await db.drop(); } };
    } else {
      const { openSqliteStore } = await import('../src/store/sqlite/open.js');
      store = await openSqliteStore(join(dir, 'accord.db'));
    }
    const backend = process.env.BENCH_PG ? 'PostgreSQL' : 'SQLite';
    try {
      t = performance.now();
      const s = await importOsv(osvFiles(zipPath), store.vulndb);
      const secs = (performance.now() - t) / 1000;
      console.log(`${backend} import-osv: ${s.records} records in ${secs.toFixed(1)} s = ${Math.round(s.records / secs)} records/s (${s.inserted} new); RSS ${rss()}`);
      t = performance.now();
      const again = await importOsv(osvFiles(zipPath), store.vulndb);
      console.log(`${backend} re-import (incremental, all unchanged): ${((performance.now() - t) / 1000).toFixed(1)} s, ${again.unchanged} unchanged`);
      const dbRuns: number[] = [];
      let n = 0;
      let considered = 0;
      // The server's checker: the first check loads the named packages' records, later ones reuse them.
      const checker = new SbomChecker(store.vulndb);
      for (let run = 0; run < 5; run++) {
        t = performance.now();
        const r = await checker.check(text);
        dbRuns.push(performance.now() - t);
        n = r.findings.length;
        considered = r.records_considered;
      }
      const ds = [...dbRuns].sort((a, b) => a - b);
      console.log(`${backend} SbomChecker x5 (parse, load the records of packages not seen yet, match): ${dbRuns.map((x) => x.toFixed(0)).join(', ')} ms; median ${ds[2]!.toFixed(0)} ms, max ${ds[4]!.toFixed(0)} ms; ${considered} records considered, ${n} findings; RSS ${rss()}`);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
