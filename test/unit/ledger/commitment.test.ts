import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { commit, opensCommitment } from '../../../src/ledger/commitment.js';

it('commits to content under a random salt without revealing it', () => {
  const content = new TextEncoder().encode('{"pattern":"[ipv4-addr:value = \'203.0.113.7\']"}');
  const a = commit('intel', content);
  const b = commit('intel', content);
  assert.notDeepEqual(Buffer.from(a.entry), Buffer.from(b.entry), 'fresh salts: equal content is unlinkable');
  assert.ok(!Buffer.from(a.entry).toString().includes('203.0.113.7'));
  assert.ok(opensCommitment(a.entry, a.salt, content));
  assert.ok(!opensCommitment(a.entry, b.salt, content), 'wrong salt');
  assert.ok(!opensCommitment(a.entry, a.salt, new TextEncoder().encode('other')), 'other content');
  assert.ok(!opensCommitment(new TextEncoder().encode('not json'), a.salt, content));
  assert.ok(!opensCommitment(new TextEncoder().encode('{"type":"accord.commitment/v1","alg":"md5","commitment":"00"}'), a.salt, content));
  // Known answer: the entry is canonical JSON over SHA-256(salt || content).
  const fixed = commit('intel', content, new Uint8Array(32));
  const expected = createHash('sha256').update(Buffer.alloc(32)).update(content).digest('hex');
  assert.equal(Buffer.from(fixed.entry).toString(), `{"alg":"sha256","commitment":"${expected}","kind":"intel","type":"accord.commitment/v1"}`);
});
