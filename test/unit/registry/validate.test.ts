import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Checker, normaliseEmail, slugify } from '../../../src/registry/validate.js';
import { ValidationError } from '../../../src/errors.js';
import { displayPrefix, digestsEqual, hashSecret, isStrongEnoughToken, newSecret, TOKEN_PREFIX } from '../../../src/registry/secrets.js';

function problems(fn: (c: Checker) => void): string[] {
  const c = new Checker();
  fn(c);
  return c.problems.map((p) => p.path);
}

describe('Checker', () => {
  it('accepts good values', () => {
    assert.deepEqual(
      problems((c) => {
        c.slug('/s', 'demo-northwind');
        c.email('/e', 'First.Last+tag@sub.example.org');
        c.country('/c', 'DE');
        c.url('/u', 'https://example.com/security.txt');
        c.contact('/p', 'psirt@example.com');
        c.contact('/p2', 'https://example.com/report');
        c.text('/t', 'Ünïcödé names 😀 are fine', 200);
        c.text('/d', 'Multi-line\ndescriptions\tare fine', 4000);
      }),
      [],
    );
  });
  it('names every bad value with its path', () => {
    assert.deepEqual(
      problems((c) => {
        c.slug('/slug', '-bad-');
        c.slug('/slug2', 'UPPER');
        c.email('/email', 'no-at-sign');
        c.country('/country', 'de');
        c.url('/url', 'javascript:alert(1)');
        c.url('/url2', 'https://user:pw@example.com');
        c.url('/url3', 'relative/path');
        c.text('/blank', '   ', 200);
        c.text('/long', 'x'.repeat(201), 200);
        c.text('/nul', 'a\u0000b', 200);
        c.text('/newline', 'a\nb', 200);
        c.text('/bidi', '\u202eadmin', 4000);
      }),
      ['/slug', '/slug2', '/email', '/country', '/url', '/url2', '/url3', '/blank', '/long', '/nul', '/newline', '/bidi'],
    );
  });
  it('throws all problems at once', () => {
    const c = new Checker();
    c.add('/a', 'x');
    c.add('/b', 'y');
    assert.throws(() => c.done(), (e: unknown) => e instanceof ValidationError && e.problems.length === 2);
  });
});

describe('names and secrets', () => {
  it('slugifies names', () => {
    assert.equal(slugify('Northwind Security, Inc.'), 'northwind-security-inc');
    assert.equal(slugify('Société Générale'), 'societe-generale');
    assert.equal(slugify('!!!'), 'org');
    assert.ok(slugify('x'.repeat(100)).length <= 60);
  });
  it('normalises e-mail addresses', () => {
    assert.equal(normaliseEmail('  Admin@Example.COM '), 'admin@example.com');
  });
  it('makes 256-bit tokens, hashes them, compares in constant time', () => {
    const t = newSecret(TOKEN_PREFIX);
    assert.match(t, /^accord_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newSecret(TOKEN_PREFIX), t);
    assert.match(hashSecret(t), /^[0-9a-f]{64}$/);
    assert.ok(digestsEqual(hashSecret(t), hashSecret(t)));
    assert.ok(!digestsEqual(hashSecret(t), hashSecret(t + 'x')));
    assert.ok(!digestsEqual('', ''));
    assert.equal(displayPrefix(t), t.slice(0, 11));
    assert.ok(isStrongEnoughToken('a'.repeat(24)));
    assert.ok(!isStrongEnoughToken('short'));
    assert.ok(!isStrongEnoughToken('has a space in it and is long'));
  });
});
