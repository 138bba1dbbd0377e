/** The publish check (release/publish-check.ts): what it logs for each spelling of an envelope, and what it derives. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { canonicalEnvelopeBytes, serializeEnvelope } from '../../src/release/dsse.js';
import { hashLeaf } from '../../src/ledger/merkle.js';
import { checkRelease, type Publisher } from '../../src/release/publish-check.js';
import { newKey, releaseEnvelope, sha256 } from './support.js';

it('logs the canonical bytes whatever the spelling, in a buffer of its own', () => {
  const key = newKey();
  const publisher: Publisher = { slug: 'acme', keys: [{ key_id: key.keyId, public_key: key.pem, revoked_at: null, namespaces: ['pkg:*/acme'] }] };
  const envelope = releaseEnvelope('pkg:generic/acme/tool@1.2.3', { 'tool.tgz': 'tool', 'tool.sig': 'sig' }, [key]);
  const canonical = canonicalEnvelopeBytes(envelope);
  const value = JSON.parse(serializeEnvelope(envelope)) as { payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] };
  const urlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const spellings: [string, unknown][] = [
    ['canonical bytes', canonical.slice()],
    ['canonical bytes inside a larger buffer', new Uint8Array([...new TextEncoder().encode('xx'), ...canonical, 10]).subarray(2, 2 + canonical.length)],
    ['spaces', new TextEncoder().encode(JSON.stringify(value, null, 2))],
    ['fields reordered', new TextEncoder().encode(JSON.stringify({ signatures: value.signatures, payload: value.payload, payloadType: value.payloadType }))],
    ['URL-safe base64', new TextEncoder().encode(JSON.stringify({ ...value, payload: urlSafe(value.payload), signatures: value.signatures.map((s) => ({ ...s, sig: urlSafe(s.sig) })) }))],
    ['escaped characters', new TextEncoder().encode(serializeEnvelope(envelope).replace('"payloadType":"application', '"payloadType":"\\u0061pplication'))],
    ['a parsed value', value],
  ];
  for (const [what, input] of spellings) {
    const checked = checkRelease(input, publisher);
    assert.deepEqual(checked.entry, canonical, what);
    assert.equal(checked.entry.byteOffset, 0, what);
    assert.equal(checked.entry.byteLength, checked.entry.buffer.byteLength, `${what}: the entry owns its buffer (transferable, never a view of the request)`);
    assert.equal(checked.digest, sha256(canonical), what);
    assert.equal(checked.leafHash, Buffer.from(hashLeaf(canonical)).toString('hex'), what);
    assert.deepEqual(checked.purls, ['pkg:generic/acme/tool@1.2.3'], what);
    assert.deepEqual(checked.sha256s, [sha256('tool'), sha256('sig')], what);
    assert.deepEqual(checked.keyIds, [key.keyId], what);
    if (input instanceof Uint8Array) {
      // The caller's buffer may be reused: the entry does not change with it.
      input.fill(0);
      assert.deepEqual(checked.entry, canonical, `${what}, after the input buffer was overwritten`);
    }
  }
});
