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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COLLECTION_ID, ensureIntelDefaults } from '../src/context.js';
import type { NewIntelObjectVersion } from '../src/intel/ports.js';
import { prepareObject } from '../src/intel/prepare.js';
import { openSqliteStore } from '../src/store/sqlite/open.js';
import { mixedObjects } from './intel-mix.js';

const N = Number(process.argv[2] ?? 300_000);
const S = Number(process.argv[3] ?? 1000);
const WINDOW = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'accord-bench-store-'));
const store = await openSqliteStore(join(dir, 'accord.db'));
await ensureIntelDefaults(store.intel, { now: () => new Date() });

/** The versions of batch `b` (intel-mix.ts), as the service hands them to the store. */
function versions(b: number): NewIntelObjectVersion[] {
  const now = new Date().toISOString();
  return mixedObjects(b, S).map((o) => {
    const p = prepareObject(o, 'AMBER', undefined, DEFAULT_COLLECTION_ID);
    if ('failure' in p) throw new Error(p.failure.message);
    return { ...p.row, author_org_id: 'org-bench', author_user_id: 'user-bench', recipients: [], created: p.row.created ?? now, salt: p.row.salt };
  });
}

const writer = { kind: 'user', userId: 'user-bench', orgId: 'org-bench', groupIds: [] } as const;
let wall = 0;
let cpu = 0;
let counted = 0;
for (let b = 0, done = 0; done < N; b++) {
  const rows = versions(b);
  const t = performance.now();
  const c = process.cpuUsage();
  await store.intel.insertVersions(DEFAULT_COLLECTION_ID, rows, writer);
  const used = process.cpuUsage(c);
  wall += performance.now() - t;
  cpu += (used.user + used.system) / 1000;
  done += rows.length;
  counted += rows.length;
  if (done % WINDOW === 0 || done >= N) {
    console.log(`${done} stored, transactions of ${S}: ${((wall * 1000) / counted).toFixed(1)} µs wall, ${((cpu * 1000) / counted).toFixed(1)} µs CPU per version over the last ${counted}`);
    wall = 0;
    cpu = 0;
    counted = 0;
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });
