/**
 * Release keys carry the purl namespaces they may sign: an org-admin may only
 * narrow the organisation's default (`pkg:*\/<slug>`), wider grants come from
 * the secretariat, and no two signatories' unrevoked keys may overlap.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { demoToken, startHarness, type Harness } from './harness.js';

const pem = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('release key namespaces', () => {
  let h: Harness;
  let admin: string;
  let northwind: string;
  let fabrikam: string;
  before(async () => {
    h = await startHarness();
    admin = h.init.admin_token;
    northwind = demoToken(h.init, 'demo-northwind');
    fabrikam = demoToken(h.init, 'demo-fabrikam');
  });
  after(() => h.close());

  const add = (org: string, token: string, purl_namespaces?: unknown) =>
    h.call('POST', `/api/v1/orgs/${org}/keys`, { token, body: { name: 'k', public_key: pem(), ...(purl_namespaces === undefined ? {} : { purl_namespaces }) } });
  const problem = (r: Awaited<ReturnType<typeof add>>, status: number, code: string, message?: RegExp) => {
    assert.equal(r.statusCode, status, r.body);
    assert.match(String(r.headers['content-type']), /application\/problem\+json/);
    assert.equal(r.json().code, code, r.body);
    if (message) assert.match(r.json().detail, message);
  };

  it('without namespaces a key gets the default, listed as null', async () => {
    const r = await add('demo-northwind', northwind);
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().purl_namespaces, null);
    const listed = (await h.call('GET', '/api/v1/orgs/demo-northwind/keys')).json().items;
    assert.ok(listed.some((k: { id: string; purl_namespaces: unknown }) => k.id === r.json().id && k.purl_namespaces === null));
  });

  it('an org-admin may narrow the default, but not widen it', async () => {
    const r = await add('demo-northwind', northwind, ['pkg:npm/demo-northwind/agent', 'pkg:*/demo-northwind/tools']);
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(r.json().purl_namespaces, ['pkg:npm/demo-northwind/agent', 'pkg:*/demo-northwind/tools']);
    problem(await add('demo-northwind', northwind, ['pkg:npm/@northwind']), 403, 'FORBIDDEN', /Only the secretariat may grant pkg:npm\/@northwind/);
    // A typed pattern of the slug alone would also cover the unscoped package named like the slug.
    problem(await add('demo-northwind', northwind, ['pkg:npm/demo-northwind']), 403, 'FORBIDDEN');
  });

  it('the secretariat grants real ecosystem namespaces; the grant is in the key and the audit log', async () => {
    const r = await add('demo-northwind', admin, ['pkg:npm/@northwind', 'pkg:pypi/northwind-sdk', 'pkg:maven/com.northwind']);
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(r.json().purl_namespaces, ['pkg:npm/@northwind', 'pkg:pypi/northwind-sdk', 'pkg:maven/com.northwind']);
    const audit = await h.call('GET', `/api/v1/audit?type=key.added&subject_id=${r.json().id}`, { token: admin });
    assert.equal(audit.statusCode, 200, audit.body);
    const [event] = audit.json().items;
    assert.ok(event, 'key.added recorded');
    assert.deepEqual(event.data.purl_namespaces, ['pkg:npm/@northwind', 'pkg:pypi/northwind-sdk', 'pkg:maven/com.northwind']);
  });

  it("refuses namespaces that overlap another signatory's unrevoked key, until that key is revoked", async () => {
    problem(await add('demo-fabrikam', admin, ['pkg:npm/@northwind/cli']), 409, 'KEY_NAMESPACE_TAKEN', /overlaps pkg:npm\/@northwind, which a key of demo-northwind may sign/);
    problem(await add('demo-fabrikam', admin, ['pkg:npm/*']), 409, 'KEY_NAMESPACE_TAKEN');
    problem(await add('demo-fabrikam', admin, ['pkg:*/demo-northwind']), 409, 'KEY_NAMESPACE_TAKEN');
    const ok = await add('demo-fabrikam', admin, ['pkg:pypi/fabrikam-sdk']);
    assert.equal(ok.statusCode, 201, ok.body);
    // Revoked keys hold nothing: demo-tailspin takes over a namespace fabrikam gave up.
    const del = await h.call('DELETE', `/api/v1/orgs/demo-fabrikam/keys/${ok.json().id}`, { token: fabrikam });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal((await add('demo-tailspin', admin, ['pkg:pypi/fabrikam-sdk'])).statusCode, 201);
  });

  it('malformed namespaces are a 400 that stores nothing', async () => {
    const before = (await h.call('GET', '/api/v1/orgs/demo-adatum/keys')).json().items.length;
    for (const bad of [[], ['npm/x'], ['pkg:npm/x@1'], ['pkg:*/*'], ['pkg:npm/a', 'pkg:npm/a'], 'pkg:npm/a', [7], Array.from({ length: 33 }, (_, i) => `pkg:*/demo-adatum/${i}`)]) {
      const r = await add('demo-adatum', admin, bad);
      assert.equal(r.statusCode, 400, `${JSON.stringify(bad)}: ${r.body}`);
      assert.ok(['KEY_INVALID', 'VALIDATION_FAILED'].includes(r.json().code), r.body);
    }
    assert.equal((await h.call('GET', '/api/v1/orgs/demo-adatum/keys')).json().items.length, before);
  });
});
