import { it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter, presentedToken } from '../../src/http/auth.js';
import { parseListen } from '../../src/config/config.js';

it('reads Bearer and Basic credentials and flags malformed headers', () => {
  assert.equal(presentedToken(undefined), null);
  assert.equal(presentedToken('Bearer abc'), 'abc');
  assert.equal(presentedToken('bearer abc'), 'abc');
  assert.equal(presentedToken(`Basic ${Buffer.from('user:tok:en').toString('base64')}`), 'tok:en');
  assert.equal(presentedToken(`Basic ${Buffer.from('user:').toString('base64')}`), 'malformed');
  assert.equal(presentedToken(`Basic ${Buffer.from('nocolon').toString('base64')}`), 'malformed');
  assert.equal(presentedToken('Digest x'), 'malformed');
  assert.equal(presentedToken('Bearer'), 'malformed');
});

it('blocks an address after too many failures, for the window only, with bounded memory', () => {
  const l = new FailureLimiter(3, 1000, 2);
  for (let i = 0; i < 3; i++) l.fail('a', 0);
  assert.ok(l.blockedFor('a', 10) > 0);
  assert.equal(l.blockedFor('a', 1001), 0);
  l.fail('b', 0);
  l.fail('c', 0); // evicts the oldest
  assert.equal(l.blockedFor('a', 10), 0);
});

it('parses listen addresses', () => {
  assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.throws(() => parseListen('8080'));
  assert.throws(() => parseListen('host:99999'));
});
