/**
 * Benchmark: the intel store's insert path alone (no HTTP, no worker): N
 * object versions (the intel-taxii mix: indicators, observables,
 * relationships, every TLP level) prepared on this thread, then stored with
 * `insertVersions` in transactions of S versions on SQLite (a fresh file in
 * /tmp, the server's pragmas). Prints wall and CPU time per stored version
 * for each 100,000, so the growth with the table is visible. Run it under
 * `strace -f -c -e trace=pwrite64,fsync` to count the writes SQLite makes.
 *   node --import tsx bench/intel-store.ts [N] [S]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COLLECTION_ID, ensureIntelDefaults } from '../src/context.js';
import type { NewIntelObjectVersion } from '../src/intel/ports.js';
import { prepareObject } from '../src/intel/prepare.js';
import { deterministicScoId } from '../src/intel/stix/deterministic-id.js';
import { TLP_LEVELS, tlpMarkingId } from '../src/intel/tlp.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';

const N = Number(process.argv[2] ?? 300_000);
const S = Number(process.argv[3] ?? 1000);
const WINDOW = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-store-'));
const store = await openSqliteStore(join(dir, 'accord.db'));
await ensureIntelDefaults(store.intel, { now: () => new Date() });

/** The versions of batch `b`, as the service hands them to the store. */
function versions(b: number): NewIntelObjectVersion[] {
  const now = new Date().toISOString();
  const out: NewIntelObjectVersion[] = [];
  let lastIndicator = '';
  for (let i = 0; i < S; i++) {
    const n = b * S + i;
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const marking = { object_marking_refs: [tlpMarkingId(TLP_LEVELS[n % TLP_LEVELS.length]!)] };
    let o: Record<string, unknown>;
    if (i % 10 < 5) {
      lastIndicator = `indicator--${randomUUID()}`;
      const pattern = n % 2 === 0 ? `[ipv4-addr:value = '${ip}']` : `[domain-name:value = 'h${n}.bench.example'] OR [url:value = 'http://h${n}.bench.example/x']`;
      o = { type: 'indicator', spec_version: '2.1', id: lastIndicator, created: now, modified: now, name: `bench ${n}`, pattern, pattern_type: 'stix', valid_from: now, labels: ['bench'], ...marking };
    } else if (i % 10 < 8) {
      const sco: Record<string, unknown> = { type: 'ipv4-addr', spec_version: '2.1', value: ip };
      o = { ...sco, id: deterministicScoId(sco), ...marking };
    } else {
      o = { type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: now, modified: now, relationship_type: 'indicates', source_ref: lastIndicator, target_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b', ...marking };
    }
    const p = prepareObject(o, 'AMBER', undefined, DEFAULT_COLLECTION_ID);
    if ('failure' in p) throw new Error(p.failure.message);
    out.push({ ...p.row, author_org_id: 'org-bench', author_user_id: 'user-bench', recipients: [], created: p.row.created ?? now, salt: p.row.tlp === 'CLEAR' ? null : (p.row.salt ?? randomBytes(32).toString('hex')) });
  }
  return out;
}

const writer = { kind: 'user', userId: 'user-bench', orgId: 'org-bench', groupIds: [] } as const;
let wall = 0;
let cpu = 0;
for (let b = 0, done = 0; done < N; b++) {
  const rows = versions(b);
  const t = performance.now();
  const c = process.cpuUsage();
  await store.intel.insertVersions(DEFAULT_COLLECTION_ID, rows, writer);
  const used = process.cpuUsage(c);
  wall += performance.now() - t;
  cpu += (used.user + used.system) / 1000;
  done += rows.length;
  if (done % WINDOW === 0 || done >= N) {
    console.log(`${done} stored, transactions of ${S}: ${((wall * 1000) / WINDOW).toFixed(1)} µs wall, ${((cpu * 1000) / WINDOW).toFixed(1)} µs CPU per version over the last ${WINDOW}`);
    wall = 0;
    cpu = 0;
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });
