import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip, ZipError } from '../../../src/cli/zip-reader.js';
import { makeZip } from '../../support/zip.js';

function withZip(bytes: Buffer, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'accord-zip-'));
  try {
    const path = join(dir, 'a.zip');
    writeFileSync(path, bytes);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('reads stored and deflated entries, filters names, and never inflates past the limit', () => {
  const big = Buffer.alloc(200_000, 0x61);
  withZip(
    makeZip([
      { name: 'a.json', data: Buffer.from('{"a":1}') },
      { name: 'dir/b.json', data: Buffer.from('{"b":2}'.repeat(100)), deflate: true },
      { name: 'c.txt', data: Buffer.from('skip me') },
      { name: 'bomb.json', data: big, deflate: true },
    ]),
    (path) => {
      const got = [...readZip(path, (n) => n.endsWith('.json'), 100_000)];
      assert.deepEqual(got.map((e) => e.name), ['a.json', 'dir/b.json', 'bomb.json']);
      assert.equal(got[0]!.content!.toString(), '{"a":1}');
      assert.equal(got[1]!.content!.toString(), '{"b":2}'.repeat(100));
      assert.equal(got[2]!.content, null, 'an entry over the limit is never returned');
    },
  );
});

test('refuses what is not a zip, and a truncated one', () => {
  withZip(Buffer.from('definitely not a zip file'), (path) => assert.throws(() => [...readZip(path, () => true, 1000)], ZipError));
  const good = makeZip([{ name: 'a.json', data: Buffer.from('{}') }]);
  withZip(good.subarray(10), (path) => assert.throws(() => [...readZip(path, () => true, 1000)], ZipError));
});
