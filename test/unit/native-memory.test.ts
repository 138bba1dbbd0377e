import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { collectGarbage } from '../../src/intel/heap.js';
import { canReleaseFreedMemory, releaseFreedMemory } from '../../src/native-memory.js';

/** Resident memory of this process, in KiB. */
function rssKiB(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
}

describe('returning freed native memory (native/malloc-trim)', () => {
  it('is built and loads where the build is required (ACCORD_REQUIRE_NATIVE=1, as .ci/run sets)', (t) => {
    if (process.env.ACCORD_REQUIRE_NATIVE !== '1') return t.skip('not required here');
    const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    if (glibc === undefined) return t.skip('glibc only');
    assert.equal(canReleaseFreedMemory(), true);
  });

  it('gives back what the C allocator holds free between live allocations', async (t) => {
    if (!canReleaseFreedMemory()) return t.skip('not available here');
    // 300 MB of 4 KiB native buffers of which every tenth stays: the freed ones sit between live ones,
    // so they stay resident until the arena is trimmed (as SQLite's page cache does after an ingest).
    const buffers: Buffer[] = [];
    for (let i = 0; i < 75_000; i++) buffers.push(Buffer.allocUnsafeSlow(4096).fill(1));
    const kept = buffers.filter((_, i) => i % 10 === 0);
    buffers.length = 0;
    assert.ok(collectGarbage());
    collectGarbage();
    await sleep(200);
    const before = rssKiB();
    releaseFreedMemory();
    const after = rssKiB();
    assert.equal(kept.length, 7_500);
    assert.ok(before - after > 100 * 1024, `RSS ${before} → ${after} KiB: at least 100 MB given back`);
  });
});
