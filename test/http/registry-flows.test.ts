import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applicationBody, demoToken, startHarness, type Harness } from './harness.js';

describe('registry flows over HTTP', () => {
  let h: Harness;
  let admin: string;
  before(async () => {
    h = await startHarness();
    admin = h.init.admin_token;
  });
  after(() => h.close());

  it('serves health, OpenAPI and docs', async () => {
    const health = await h.call('GET', '/healthz');
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().database, 'sqlite');
    const oas = await h.call('GET', '/api/openapi.json');
    assert.equal(oas.statusCode, 200);
    const doc = oas.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/applications/{id}/votes'], 'vote path documented');
    assert.ok(doc.components.schemas.Org, 'shared schemas documented');
    const docs = await h.call('GET', '/api/docs/');
    assert.ok([200, 302].includes(docs.statusCode));
  });

  it('authenticates with Bearer and with Basic (token as password)', async () => {
    const bearer = await h.call('GET', '/api/v1/me', { token: admin });
    assert.equal(bearer.statusCode, 200);
    assert.equal(bearer.json().user.role, 'admin');
    assert.equal(bearer.json().org.slug, 'secretariat');
    const basic = await h.call('GET', '/api/v1/me', { headers: { authorization: `Basic ${Buffer.from(`anyone:${admin}`).toString('base64')}` } });
    assert.equal(basic.statusCode, 200);
    const bad = await h.call('GET', '/api/v1/me', { token: 'accord_wrong' });
    assert.equal(bad.statusCode, 401);
    assert.match(String(bad.headers['www-authenticate']), /Bearer/);
    assert.match(String(bad.headers['www-authenticate']), /Basic/);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(bad.json().code, 'TOKEN_INVALID');
  });

  it('stores tokens hashed, shows them once, records last use, and revokes them', async () => {
    const created = await h.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'ci', expires_in_days: 30 } });
    assert.equal(created.statusCode, 201);
    const { token, token_info } = created.json();
    assert.match(token, /^accord_[A-Za-z0-9_-]{43}$/);
    assert.equal(token_info.hash, undefined);
    const stored = await h.ctx.store.registry.getToken(token_info.id);
    assert.notEqual(stored?.hash, token);
    assert.ok(!JSON.stringify(stored).includes(token), 'the secret is not stored');
    assert.equal((await h.call('GET', '/api/v1/me', { token })).statusCode, 200);
    const list = (await h.call('GET', '/api/v1/tokens', { token: admin })).json().items;
    const mine = list.find((t: { id: string }) => t.id === token_info.id);
    assert.ok(mine.last_used_at, 'last_used_at set');
    assert.ok(!JSON.stringify(list).includes(token));
    assert.equal((await h.call('DELETE', `/api/v1/tokens/${token_info.id}`, { token: admin })).statusCode, 200);
    const after = await h.call('GET', '/api/v1/me', { token });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().code, 'TOKEN_INVALID');
  });

  it('expires tokens', async () => {
    const { token } = (await h.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'short', expires_in_days: 1 } })).json();
    assert.equal((await h.call('GET', '/api/v1/me', { token })).statusCode, 200);
    h.clock.advanceDays(2);
    try {
      assert.equal((await h.call('GET', '/api/v1/me', { token })).statusCode, 401);
    } finally {
      h.clock.advanceDays(-2);
    }
  });

  it('lists the public directory with pledges and policy links, paged', async () => {
    const page1 = (await h.call('GET', '/api/v1/signatories?limit=2')).json();
    assert.equal(page1.items.length, 2);
    assert.ok(page1.next);
    const page2 = (await h.call('GET', `/api/v1/signatories?limit=10&after=${page1.next}`)).json();
    const slugs = [...page1.items, ...page2.items].map((s: { org: { slug: string } }) => s.org.slug);
    assert.deepEqual(slugs, [...slugs].sort());
    assert.equal(new Set(slugs).size, slugs.length, 'no repeats across pages');
    assert.ok(slugs.includes('demo-northwind'));
    assert.ok(!slugs.includes('secretariat'), 'the secretariat is not a signatory');
    const nw = (await h.call('GET', '/api/v1/signatories/demo-northwind')).json();
    assert.ok(nw.org.cvd_policy_url.startsWith('https://'));
    assert.deepEqual(nw.pledges.map((p: { slug: string }) => p.slug).sort(), ['capacity-building', 'collective-action', 'cvd-policy', 'no-offense', 'strong-defense']);
  });

  it('reports yearly progress as JSON and CSV', async () => {
    const json = (await h.call('GET', '/api/v1/progress')).json();
    assert.equal(json.members, 5);
    assert.equal(json.with_cvd_policy, 3);
    const cvd = json.pledges.find((p: { slug: string }) => p.slug === 'cvd-policy');
    assert.equal(cvd.endorsements, 3);
    const year = new Date().getUTCFullYear();
    const earlier = (await h.call('GET', `/api/v1/progress?year=${year - 2}`)).json();
    assert.ok(earlier.members < json.members, 'history: fewer members two years ago');
    const csv = await h.call('GET', '/api/v1/progress.csv');
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(csv.body, /^metric,value\r\n/);
    assert.match(csv.body, /\r\nmembers,5\r\n/);
    assert.equal((await h.call('GET', `/api/v1/progress?year=${year + 1}`)).statusCode, 400);
  });

  it('runs the whole membership process: apply, sponsor, vote, admit, invite, accept', async () => {
    const submitted = await h.call('POST', '/api/v1/applications', { body: applicationBody({ org_name: 'Flow Security Ltd', pledges: ['strong-defense', 'cvd-policy'] }) });
    assert.equal(submitted.statusCode, 201);
    const id = submitted.json().id;
    // Not enough sponsors yet (rule: 1).
    const early = await h.call('POST', `/api/v1/applications/${id}/open-vote`, { token: admin, body: {} });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().code, 'APPLICATION_STATE');
    assert.equal((await h.call('POST', `/api/v1/applications/${id}/sponsor`, { token: demoToken(h.init, 'demo-northwind') })).statusCode, 201);
    const again = await h.call('POST', `/api/v1/applications/${id}/sponsor`, { token: demoToken(h.init, 'demo-northwind') });
    assert.equal(again.json().code, 'ALREADY_SPONSORED');
    const opened = await h.call('POST', `/api/v1/applications/${id}/open-vote`, { token: admin, body: { reason: 'sponsored' } });
    assert.equal(opened.statusCode, 200);
    assert.equal(opened.json().status, 'voting');
    // Closing before the window ends with members still to vote is refused.
    assert.equal((await h.call('POST', `/api/v1/applications/${id}/close`, { token: admin, body: {} })).json().code, 'VOTING_OPEN');
    const members = ['demo-northwind', 'demo-contoso-cloud', 'demo-fabrikam', 'demo-tailspin', 'demo-adatum'];
    const choices = ['yes', 'yes', 'yes', 'no', 'abstain'];
    for (const [i, org] of members.entries()) {
      const v = await h.call('POST', `/api/v1/applications/${id}/votes`, { token: demoToken(h.init, org), body: { choice: choices[i], reason: 'because' } });
      assert.equal(v.statusCode, 201, v.body);
    }
    const double = await h.call('POST', `/api/v1/applications/${id}/votes`, { token: demoToken(h.init, 'demo-northwind'), body: { choice: 'no' } });
    assert.equal(double.statusCode, 409);
    assert.equal(double.json().code, 'ALREADY_VOTED');
    // While voting, members see who voted but not how.
    const peek = (await h.call('GET', `/api/v1/applications/${id}`, { token: demoToken(h.init, 'demo-fabrikam') })).json();
    assert.equal(peek.tally, null);
    assert.ok(peek.votes.every((v: { hidden?: boolean; reason: string | null }) => v.hidden === true && v.reason === null));
    assert.equal(peek.application.contact_email, '(hidden)');
    const decision = await h.call('POST', `/api/v1/applications/${id}/close`, { token: admin, body: {} });
    assert.equal(decision.statusCode, 200, decision.body);
    const d = decision.json();
    assert.equal(d.application.status, 'admitted');
    assert.deepEqual([d.tally.yes, d.tally.no, d.tally.abstain, d.tally.eligible], [3, 1, 1, 5]);
    assert.equal(d.org.slug, 'flow-security-ltd');
    assert.match(d.invitation.token, /^accinv_/);
    // The decided tally stays as it was, though the admission made six members.
    const shown = (await h.call('GET', `/api/v1/applications/${id}`, { token: admin })).json();
    assert.deepEqual([shown.tally.eligible, shown.tally.yes, shown.tally.admitted], [5, 3, true]);
    // The decision is in the audit trail with who, when and why.
    const audit = (await h.call('GET', `/api/v1/audit?subject_id=${id}`, { token: admin })).json().items;
    const admitted = audit.find((e: { type: string }) => e.type === 'application.admitted');
    assert.ok(admitted.actor_user_id);
    assert.match(admitted.reason, /Admitted: 3 yes, 1 no, 1 abstain of 5/);
    // The new org's first org-admin accepts the invitation.
    const accepted = await h.call('POST', '/api/v1/invitations/accept', { body: { token: d.invitation.token, name: 'Flow Admin' } });
    assert.equal(accepted.statusCode, 201, accepted.body);
    const me = (await h.call('GET', '/api/v1/me', { token: accepted.json().token })).json();
    assert.equal(me.org.slug, 'flow-security-ltd');
    assert.equal(me.user.role, 'org-admin');
    const reuse = await h.call('POST', '/api/v1/invitations/accept', { body: { token: d.invitation.token, name: 'Again' } });
    assert.equal(reuse.json().code, 'INVITATION_USED');
    const sig = (await h.call('GET', '/api/v1/signatories/flow-security-ltd')).json();
    assert.deepEqual(sig.pledges.map((p: { slug: string }) => p.slug).sort(), ['cvd-policy', 'strong-defense']);
  });

  it('rejects on a failed quorum after the window, and refuses votes after it', async () => {
    const id = (await h.call('POST', '/api/v1/applications', { body: applicationBody() })).json().id;
    await h.call('POST', `/api/v1/applications/${id}/sponsor`, { token: demoToken(h.init, 'demo-fabrikam') });
    await h.call('POST', `/api/v1/applications/${id}/open-vote`, { token: admin, body: {} });
    await h.call('POST', `/api/v1/applications/${id}/votes`, { token: demoToken(h.init, 'demo-fabrikam'), body: { choice: 'yes' } });
    h.clock.advanceDays(15);
    try {
      const late = await h.call('POST', `/api/v1/applications/${id}/votes`, { token: demoToken(h.init, 'demo-tailspin'), body: { choice: 'yes' } });
      assert.equal(late.json().code, 'VOTING_CLOSED');
      const d = (await h.call('POST', `/api/v1/applications/${id}/close`, { token: admin, body: {} })).json();
      assert.equal(d.application.status, 'rejected');
      assert.equal(d.tally.quorum_met, false);
      assert.match(d.application.decision_reason, /quorum/);
      assert.equal(d.invitation, null);
    } finally {
      h.clock.advanceDays(-15);
    }
  });

  it('expires invitations and refuses revoked ones', async () => {
    const inv = (await h.call('POST', '/api/v1/orgs/demo-northwind/invitations', { token: demoToken(h.init, 'demo-northwind'), body: { email: 'new.analyst@demo-northwind.example', role: 'analyst', expires_in_days: 1 } })).json();
    h.clock.advanceDays(2);
    try {
      const r = await h.call('POST', '/api/v1/invitations/accept', { body: { token: inv.token, name: 'Late' } });
      assert.equal(r.statusCode, 410);
      assert.equal(r.json().code, 'INVITATION_EXPIRED');
    } finally {
      h.clock.advanceDays(-2);
    }
    const inv2 = (await h.call('POST', '/api/v1/orgs/demo-northwind/invitations', { token: admin, body: { email: 'other@demo-northwind.example', role: 'viewer' } })).json();
    assert.equal((await h.call('DELETE', `/api/v1/invitations/${inv2.invitation.id}`, { token: admin })).statusCode, 200);
    const r2 = await h.call('POST', '/api/v1/invitations/accept', { body: { token: inv2.token, name: 'Revoked' } });
    assert.equal(r2.statusCode, 404);
    // Org-admins may not hand out the admin role.
    const esc = await h.call('POST', '/api/v1/orgs/demo-northwind/invitations', { token: demoToken(h.init, 'demo-northwind'), body: { email: 'x@y.example', role: 'admin' } });
    assert.equal(esc.statusCode, 403);
  });

  it('refuses duplicates with 409 and writes nothing', async () => {
    const before = (await h.call('GET', '/api/v1/audit?limit=1', { token: admin })).json().items[0].id;
    const dup = await h.call('POST', '/api/v1/orgs', { token: admin, body: { slug: 'demo-northwind', name: 'Again' } });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'ORG_SLUG_TAKEN');
    const dupPledge = await h.call('POST', '/api/v1/pledges', { token: admin, body: { slug: 'no-offense', title: 'x', description: 'y' } });
    assert.equal(dupPledge.json().code, 'PLEDGE_SLUG_TAKEN');
    const dupUser = await h.call('POST', '/api/v1/orgs/demo-northwind/invitations', { token: admin, body: { email: 'ORG-ADMIN@demo-northwind.example', role: 'viewer' } });
    assert.equal(dupUser.json().code, 'USER_EMAIL_TAKEN');
    const afterId = (await h.call('GET', '/api/v1/audit?limit=1', { token: admin })).json().items[0].id;
    assert.equal(afterId, before, 'no audit event, so no state change');
  });

  it('suspending a member removes it from the directory and from voting', async () => {
    const org = (await h.call('POST', '/api/v1/orgs', { token: admin, body: { slug: 'susp-test', name: 'Suspend Me', country: 'SE' } })).json();
    assert.equal(org.status, 'member');
    const r = await h.call('POST', '/api/v1/orgs/susp-test/status', { token: admin, body: { status: 'suspended', reason: 'Pledge breach under review' } });
    assert.equal(r.json().status, 'suspended');
    assert.equal((await h.call('GET', '/api/v1/signatories/susp-test')).statusCode, 404);
    const ev = (await h.call('GET', `/api/v1/audit?type=org.status_changed&subject_id=${org.id}`, { token: admin })).json().items[0];
    assert.equal(ev.reason, 'Pledge breach under review');
    assert.deepEqual(ev.data, { from: 'member', to: 'suspended' });
  });

  it('registers and revokes release-signing keys, refusing unsupported ones', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const tok = demoToken(h.init, 'demo-northwind');
    const k = await h.call('POST', '/api/v1/orgs/demo-northwind/keys', { token: tok, body: { name: 'release 2026', public_key: pem } });
    assert.equal(k.statusCode, 201);
    assert.equal(k.json().algorithm, 'ed25519');
    assert.match(k.json().key_id, /^[0-9a-f]{64}$/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const bad = await h.call('POST', '/api/v1/orgs/demo-northwind/keys', { token: tok, body: { name: 'rsa', public_key: rsa } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'KEY_INVALID');
    const garbage = await h.call('POST', '/api/v1/orgs/demo-northwind/keys', { token: tok, body: { name: 'junk', public_key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' } });
    assert.equal(garbage.json().code, 'KEY_INVALID');
    // The identity point: a signature (R = identity, S = 0) over any message verifies under it with OpenSSL.
    const { createPublicKey } = await import('node:crypto');
    const identity = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from('01'.padEnd(64, '0'), 'hex')]);
    const weakPem = createPublicKey({ key: identity, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
    const weak = await h.call('POST', '/api/v1/orgs/demo-northwind/keys', { token: tok, body: { name: 'identity', public_key: weakPem } });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().code, 'KEY_INVALID');
    assert.match(weak.json().detail, /small order/);
    const rev = await h.call('DELETE', `/api/v1/orgs/demo-northwind/keys/${k.json().id}?reason=rotated`, { token: tok });
    assert.ok(rev.json().revoked_at);
    const pub = (await h.call('GET', '/api/v1/signatories/demo-northwind')).json();
    // Customers checking an old release must see that the key was revoked, so it stays listed, marked.
    assert.ok(pub.keys.find((x: { id: string }) => x.id === k.json().id).revoked_at);
    const dir = (await h.call('GET', '/api/v1/signatories?limit=100')).json();
    const nw = dir.items.find((s: { org: { slug: string } }) => s.org.slug === 'demo-northwind');
    assert.ok(!nw.keys.some((x: { id: string }) => x.id === k.json().id), 'the directory lists only current keys');
  });

  it('keeps the last admin', async () => {
    const me = (await h.call('GET', '/api/v1/me', { token: admin })).json();
    const r = await h.call('PATCH', `/api/v1/users/${me.user.id}`, { token: admin, body: { role: 'viewer' } });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().code, 'LAST_ADMIN');
  });

  it('disabling a user stops their tokens', async () => {
    const users = (await h.call('GET', '/api/v1/orgs/demo-adatum/users', { token: admin })).json().items;
    const analyst = users.find((u: { role: string }) => u.role === 'analyst');
    const tok = demoToken(h.init, 'demo-adatum', 'analyst');
    assert.equal((await h.call('GET', '/api/v1/me', { token: tok })).statusCode, 200);
    await h.call('PATCH', `/api/v1/users/${analyst.id}`, { token: demoToken(h.init, 'demo-adatum'), body: { disabled: true } });
    assert.equal((await h.call('GET', '/api/v1/me', { token: tok })).statusCode, 401);
  });

  it('sends security headers and problem+json for unknown paths', async () => {
    const r = await h.call('GET', '/api/v1/nope');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'NOT_FOUND');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
    assert.doesNotMatch(String(r.headers['content-security-policy']), /upgrade-insecure-requests/);
  });
});
