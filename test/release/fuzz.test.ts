/**
 * Hostile input: thousands of deterministic mutations of valid envelopes,
 * statements, purls, proofs and trust files. Parsers may refuse them only with
 * a ReleaseError; verification reports failed checks and never throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnvelope, serializeEnvelope, envelopeFromJson } from '../../src/release/dsse.js';
import { ReleaseError } from '../../src/release/errors.js';
import { parsePurl, parsePurlScope } from '../../src/release/purl.js';
import { parseStatement, statementFromEnvelope } from '../../src/release/statement.js';
import { parseTrustFile } from '../../src/release/trust.js';
import { verifyRelease } from '../../src/release/verify.js';
import { prng, textMutator } from '../unit/ledger/support.js';
import { MemoryLog, newKey, releaseEnvelope, trustFor } from './support.js';

const PIECES = ['"', '\\', '\\u', '\\ud800', '{', '}', '[', ']', ',', ':', '=', '==', '+', '/', '-', '_', 'A', '0', '1e999', 'null', '"__proto__"', '\u0000', '\ud800', 'é', '\ufeff', ' ', '\n', '%', '%2F', '@', '?', '#', 'pkg:', '*'];

const mutator = (seed: number) =>
  textMutator(seed, PIECES, [
    // Duplicate a slice elsewhere (duplicate members, repeated fields).
    (t, at, rng) => {
      const from = rng.int(t.length);
      return t.slice(0, at) + t.slice(from, from + 1 + rng.int(40)) + t.slice(at);
    },
    (t, at, rng) => t.slice(0, at) + rng.pick(PIECES) + t.slice(at + 1),
  ]);

function onlyTyped(fn: () => unknown, codes: readonly string[], input: unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ReleaseError, `untyped ${String(err)} for ${JSON.stringify(String(input)).slice(0, 300)}`);
    assert.ok(codes.includes(err.code), `${err.code}: ${err.message}`);
  }
}

describe('fuzz', () => {
  const log = new MemoryLog();
  const key = newKey();
  const file = Buffer.from('payload');
  const envelope = releaseEnvelope('pkg:generic/demo-northwind/agent@1.0', { 'a.tgz': file }, [key]);
  const index = log.appendEnvelope(envelope);
  const proof = log.proof(index);
  const trust = trustFor(log, [{ slug: 'demo-northwind', keys: [{ key }] }]);
  const text = serializeEnvelope(envelope);
  const statementText = Buffer.from(envelope.payload).toString();

  it('envelopes: 3000 mutations, typed refusals only; verification never throws', () => {
    const mutate = mutator(1);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const m = mutate(text);
      onlyTyped(() => statementFromEnvelope(parseEnvelope(m)), ['RELEASE_ENVELOPE_MALFORMED', 'RELEASE_STATEMENT_INVALID'], m);
      const r = verifyRelease({ file, envelope: m, proof, trust });
      if (!r.ok) refused++;
    }
    assert.ok(refused > 2900, `${refused} of 3000 mutations refused`);
  });

  it('statements: 3000 mutations, typed refusals only', () => {
    const mutate = mutator(2);
    for (let i = 0; i < 3000; i++) {
      const m = mutate(statementText);
      onlyTyped(() => parseStatement(m), ['RELEASE_STATEMENT_INVALID'], m);
    }
  });

  it('parsed JSON of any shape: typed refusals only', () => {
    const rng = prng(3);
    const values = [null, true, 0, -1, 1.5, '', 'x', [], {}, [{}], { sig: 'AA==' }, { keyid: 1, sig: 'AA==' }, 'AA==', [null]];
    for (let i = 0; i < 2000; i++) {
      const v: Record<string, unknown> = { payloadType: 'application/vnd.in-toto+json', payload: envelope.payload.length ? Buffer.from(envelope.payload).toString('base64') : '', signatures: [{ sig: 'AA==' }] };
      for (const k of ['payloadType', 'payload', 'signatures']) if (rng.int(3) === 0) v[k] = rng.pick(values);
      onlyTyped(() => envelopeFromJson(v), ['RELEASE_ENVELOPE_MALFORMED'], v);
    }
  });

  it('proofs: 2000 mutations never make verification throw, and never pass', () => {
    const mutate = mutator(4);
    for (let i = 0; i < 2000; i++) {
      const m = mutate(proof);
      const r = verifyRelease({ file, envelope: text, proof: m, trust });
      const same = typeof m === 'string' ? m === proof : Buffer.from(m).toString() === proof;
      if (!same) assert.equal(r.checks.slice(4).every((c) => c.ok), false, `a mutated proof passed: ${JSON.stringify(String(m))}`);
    }
  });

  it('purls and namespace patterns: 3000 mutations, typed refusals only', () => {
    const mutate = mutator(5);
    for (let i = 0; i < 3000; i++) {
      const m = mutate('pkg:npm/%40northwind/agent@1.2.0?arch=x86&os=linux#dist/a.js');
      const s = typeof m === 'string' ? m : Buffer.from(m).toString('latin1');
      onlyTyped(() => parsePurl(s), ['RELEASE_PURL_INVALID'], s);
      onlyTyped(() => parsePurlScope(s), ['RELEASE_PURL_INVALID'], s);
    }
  });

  it('trust files: 2000 mutations, typed refusals only', () => {
    const mutate = mutator(6);
    const t = JSON.stringify(trust);
    for (let i = 0; i < 2000; i++) {
      const m = mutate(t);
      onlyTyped(() => parseTrustFile(m), ['RELEASE_TRUST_INVALID'], m);
    }
  });
});
