/** The in-memory tile/bundle cache behind /log/: bounded in bytes, and its count stays true. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ServedCache, served } from '../../../src/http/routes/log.js';

it('counts only what it keeps: a gzip made for a bundle served past the cache does not inflate the count', () => {
  const cache = new ServedCache();
  const kept = served(Buffer.alloc(4096, 1), true);
  cache.set('/log/tile/entries/000', kept);
  const base = cache.size;
  assert.ok(base >= 4096);
  cache.gzipped(kept);
  const withGzip = cache.size;
  assert.ok(withGzip > base, 'a kept bundle’s gzip counts');
  // Too large to keep (or asked for with a query): served, gzipped, never counted.
  for (let i = 0; i < 100; i++) cache.gzipped(served(Buffer.alloc(3 * 2 ** 20, i), true));
  assert.equal(cache.size, withGzip);
  // Replaced and evicted items stop counting, gzip included.
  cache.set('/log/tile/entries/000', served(Buffer.alloc(10), true));
  assert.ok(cache.size < base);
  for (let i = 0; i < 40; i++) cache.set(`/log/tile/0/x${i}`, served(Buffer.alloc(2 * 2 ** 20 - 1000), false));
  assert.ok(cache.size <= 64 * 2 ** 20, `bounded (${cache.size})`);
  assert.equal(cache.get('/log/tile/entries/000'), undefined, 'the oldest went first');
});
