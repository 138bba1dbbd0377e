/**
 * The Ledger and Releases pages in a real browser against a real `accord serve`
 * with demo data: the log status page, the entry browser, in-browser inclusion
 * verification (which must fail visibly with the wrong key or a tampered
 * proof), release search and "verify a download".
 *
 * Screenshots land in test-results/screenshots/ledger-*.png. Without Chromium
 * the suite is skipped with a reason, except in CI (CI=true), where it fails.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from 'playwright-core';
import { addCosignature, cosignerFromSeed, cosignerVerifierKey } from '../../src/ledger/cosignature.js';
import { shot, skipWithoutChromium, startHarness, until, type Harness } from './support.js';

let h: Harness;

describe('ledger and releases (browser)', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  before(async () => {
    h = await startHarness();
    // The demo's registry decisions reach the log within a second or two of start.
    await until(async () => (await checkpoint()).size > 20, 'the demo decisions in the log', 15_000);
  });

  after(async () => {
    await h?.close();
  });

  test('the status page shows the checkpoint /log/checkpoint serves, and its witnesses', async () => {
    await h.withPage(async (page) => {
      await page.goto(`${h.base}/ledger`);
      const size = page.getByTestId('checkpoint-size');
      await until(async () => (await size.count()) > 0 && Number(await size.innerText()) === (await checkpoint()).size, 'the served size on the page');
      const cp = await checkpoint();
      assert.equal(await page.getByTestId('root-hash').innerText(), cp.root);
      assert.equal(await page.getByTestId('log-origin').innerText(), h.init.log_origin);
      assert.equal(await page.getByTestId('tree-size').innerText(), cp.size.toLocaleString('en'));
      await page.getByTestId('no-witnesses').waitFor();
      await until(async () => /s ago|min ago/.test(await page.getByTestId('updated-ago').innerText()), 'the age of the latest entry');
      await page.getByTestId('kind-chart').getByText('Registry decisions by type').waitFor();
      assert.match(await page.getByTestId('kind-chart').innerText(), /registry\s+\d+/);
      await until(async () => (await page.getByRole('table', { name: 'Latest entries' }).getByTestId('entry-row').count()) === 8, 'eight latest entries');
      await shot(page, 'ledger-status');
    });

    // A checkpoint cosigned by a witness (served through an intercept: the demo configures none).
    await h.withPage(async (page) => {
      const witness = generateKeyPairSync('ed25519');
      const cosignedAt = Math.floor(Date.now() / 1000) - 42;
      await page.route('**/log/checkpoint', async (route) => {
        const res = await route.fetch();
        const note = await res.text();
        const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
        const ts = cosignedAt;
        const sig = sign(null, Buffer.from(`cosignature/v1\ntime ${ts}\n${text}`), witness.privateKey);
        const raw = Buffer.alloc(4 + 8 + 64);
        raw.writeUInt32BE(0x1234abcd, 0);
        raw.writeBigUInt64BE(BigInt(ts), 4);
        sig.copy(raw, 12);
        await route.fulfill({ response: res, body: `${note}— witness.example/w1 ${raw.toString('base64')}\n` });
      });
      await page.goto(`${h.base}/ledger`);
      const row = page.getByTestId('witness-row');
      await row.waitFor();
      assert.match(await row.innerText(), /witness\.example\/w1[\s\S]*key 1234abcd[\s\S]*cosigned/);
      assert.equal(await page.getByTestId('no-witnesses').count(), 0);
      const sigs = page.getByRole('table', { name: 'Checkpoint signatures' });
      assert.match(await sigs.getByRole('row').filter({ hasText: 'witness.example/w1' }).innerText(), new RegExp(`cosignature/v1 · ${new Date(cosignedAt * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC\\s+witness`));
      assert.match(await sigs.getByRole('row').filter({ hasText: h.init.log_origin }).innerText(), /Ed25519\s+log/);
      await page.getByTestId('kind-chart').waitFor();
      await until(async () => (await page.getByRole('table', { name: 'Latest entries' }).getByTestId('entry-row').count()) === 8, 'eight latest entries');
      await shot(page, 'ledger-status-witness');
    });
  });

  test('the status page proves each growth of the log consistent, and alarms when a proof does not hold', async () => {
    const pem = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    // Adding a release key is a logged registry decision (key.added): the log grows by one.
    const grow = async () => {
      const before = (await checkpoint()).size;
      await h.apiSend('POST', '/api/v1/orgs/demo-fabrikam/keys', h.init.admin_token, { name: `Growth ${Date.now()}`, public_key: pem() });
      await until(async () => (await checkpoint()).size > before, 'the log to grow', 15_000);
    };
    await h.withPage(async (page) => {
      await page.goto(`${h.base}/ledger`);
      await page.getByTestId('checkpoint-size').waitFor();
      await grow();
      await page.getByRole('button', { name: 'Refresh now' }).click();
      await until(async () => /✓ 1 proved/.test(await page.getByTestId('consistency-status').innerText()), 'one verified consistency proof');

      await page.route('**/api/v1/log/proof/consistency**', async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { proof: string[] };
        const b = Buffer.from(body.proof[0]!, 'base64');
        b[0]! ^= 0x80;
        body.proof[0] = b.toString('base64');
        await route.fulfill({ response: res, json: body });
      });
      await grow();
      await page.getByRole('button', { name: 'Refresh now' }).click();
      await page.getByTestId('consistency-failure').waitFor();
      assert.match(await page.getByTestId('consistency-failure').innerText(), /is not consistent with the one of size/);
      assert.match(await page.getByTestId('consistency-status').innerText(), /broken/);
      await shot(page, 'ledger-status-inconsistent', false);
    });
  });

  test('the entry browser lists registry decisions newest first and pages by index', async () => {
    const { size } = await checkpoint();
    await h.withPage(async (page) => {
      await page.goto(`${h.base}/ledger/entries`);
      const rows = page.getByTestId('entry-row');
      await until(async () => (await rows.count()) === Math.min(size, 25), 'a page of entries');
      const indexes = (await page.locator('[data-testid="entry-row"] .entry-index').allInnerTexts()).map(Number);
      assert.equal(indexes[0], size - 1, 'newest first');
      assert.deepEqual(indexes, [...indexes].sort((a, b) => b - a));
      assert.ok((await page.locator('[data-testid="entry-row"][data-kind="registry"]').count()) > 5);
      await page.getByRole('cell', { name: /pledge\.endorsed/ }).first().waitFor();
      await shot(page, 'ledger-entries');

      // Older entries, then the oldest: org.created for the secretariat is entry 0.
      await page.getByRole('link', { name: 'Older →' }).click();
      await page.waitForURL(/before=\d+/);
      await until(async () => (await page.locator('[data-testid="entry-row"] .entry-index').first().innerText()) === String(Math.max(0, size - 26)), 'the older page');
      await page.getByLabel('Go to entry').fill('0');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.waitForURL(/\/ledger\/entries\/0$/);
      await page.getByRole('heading', { name: /Entry 0/ }).waitFor();
      await page.getByText('org.created').first().waitFor();
    });
  });

  test('verifying an entry in the browser succeeds with the log key and fails visibly otherwise', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const wrongKey = vkeyFor(h.init.log_origin, other);
    await h.withPage(async (page) => {
      await page.goto(`${h.base}/ledger/entries/3?vkey=${encodeURIComponent(h.init.log_vkey)}`);
      const field = page.getByLabel('Log verifier key');
      assert.equal(await field.inputValue(), h.init.log_vkey, '?vkey= fills in the key');
      await page.getByText('cannot trust the server to vouch for its own key').waitFor();
      await page.getByTestId('leaf-hash').getByText(/=$/).waitFor();
      await page.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      await page.getByText('Inclusion verified in this browser').waitFor();
      assert.deepEqual(await stepStatuses(page), { vkey: 'ok', signature: 'ok', leaf: 'ok', inclusion: 'ok' });
      assert.equal(await page.evaluate(() => localStorage.getItem('accord.log_vkey')), h.init.log_vkey, 'the key is remembered');
      await shot(page, 'ledger-entry-verified');

      // A well-formed key of another log: the checkpoint's signature is not by it.
      await field.fill(wrongKey);
      await page.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      await page.getByText('Verification failed').waitFor();
      assert.deepEqual(await stepStatuses(page), { vkey: 'ok', signature: 'failed', leaf: 'ok', inclusion: 'ok' });
      await page.getByText('Verification failed: the checkpoint is not signed by this key').waitFor();
      assert.match(await page.getByTestId('verify-verdict').innerText(), /not by this key/);
      await shot(page, 'ledger-entry-wrong-key');

      // The right key, but one proof hash flipped on the way.
      await page.route('**/api/v1/log/proof/inclusion**', async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { proof: string[] };
        const b = Buffer.from(body.proof[0]!, 'base64');
        b[5]! ^= 0x01;
        body.proof[0] = b.toString('base64');
        await route.fulfill({ response: res, json: body });
      });
      await field.fill(h.init.log_vkey);
      await page.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      await until(async () => (await stepStatuses(page)).inclusion === 'failed', 'the inclusion step to fail');
      assert.deepEqual(await stepStatuses(page), { vkey: 'ok', signature: 'ok', leaf: 'ok', inclusion: 'failed' });
      assert.match(await page.getByTestId('verify-verdict').innerText(), /does not lead to the checkpoint’s root hash/);
      await page.getByText('Verification failed: the entry is not proved to be in the signed tree').waitFor();
      await shot(page, 'ledger-entry-tampered');
    });
  });

  test('a published release is found by purl, and "verify a download" hashes the file and verifies the release', async () => {
    const artifact = Buffer.from(`Demo · Northwind agent 1.2.3 (e2e ${Date.now()})\n`.repeat(200));
    const digest = createHash('sha256').update(artifact).digest('hex');
    const purl = 'pkg:generic/demo-northwind/agent@1.2.3';
    const { index } = await publishRelease(purl, [
      { name: 'northwind-agent-1.2.3.tar.gz', sha256: digest },
      { name: 'northwind-agent-1.2.3.sbom.json', sha256: createHash('sha256').update('sbom').digest('hex') },
    ]);

    await h.withPage(async (page) => {
      await page.goto(`${h.base}/releases`);
      await page.getByLabel('Search by').selectOption('purl');
      await page.getByLabel('Package URL', { exact: true }).fill('pkg:generic/demo-northwind/agent');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/purl=/);
      const row = page.getByTestId('release-row').filter({ hasText: purl });
      await row.waitFor();
      assert.match(await row.innerText(), /northwind-agent-1\.2\.3\.tar\.gz/);
      assert.equal(await row.getByRole('link', { name: String(index) }).count(), 1);
      await shot(page, 'ledger-releases');

      // A malformed digest: the API's field error is shown.
      await page.goto(`${h.base}/releases?digest=abc`);
      await page.getByTestId('problem-detail').waitFor();
      await page.locator('.field-error').getByText('must be a SHA-256 digest').waitFor();
      assert.equal(await page.getByLabel('SHA-256 (64 hex digits)').getAttribute('aria-invalid'), 'true');
      await shot(page, 'ledger-releases-error', false);
    });

    await h.withPage(async (page) => {
      await page.goto(`${h.base}/releases/verify?vkey=${encodeURIComponent(h.init.log_vkey)}`);
      await shot(page, 'ledger-verify-empty');
      await page.getByLabel('File to verify').setInputFiles({ name: 'northwind-agent-1.2.3.tar.gz', mimeType: 'application/gzip', buffer: artifact });
      await until(async () => (await page.getByTestId('file-sha256').count()) > 0, 'the file hash');
      assert.equal(await page.getByTestId('file-sha256').innerText(), digest);
      const check = page.getByTestId('release-check');
      await check.getByText('✓ Signed, listed and in the signed log').waitFor();
      assert.match(await check.innerText(), /pkg:generic\/demo-northwind\/agent@1\.2\.3/);
      assert.match(await check.innerText(), /✓ this file/);
      assert.match(await page.getByTestId('trust-source').innerText(), /trust file fetched from this server/);
      assert.equal(await check.locator('[data-step="dsse-signature"]').getAttribute('data-status'), 'ok');
      assert.match(
        await check.getByTestId('signature-detail').innerText(),
        /^signature: signed by Demo · Northwind[^(]* \(demo-northwind\) with ed25519 key [0-9a-f]{16}…, allowed for pkg:generic\/demo-northwind\/agent@1\.2\.3$/,
      );
      // The demo log has no witnesses: the server's policy says `quorum none`.
      assert.equal(await check.locator('[data-step="witnesses"]').getAttribute('data-status'), 'ok');
      assert.equal(await check.getByTestId('witness-detail').innerText(), 'no witness cosignature required (quorum none)');
      assert.equal(await check.getByTestId('log-key-source').getAttribute('data-source'), 'typed', 'a typed key wins over the trust file’s');
      assert.match(await check.getByTestId('log-key-source').innerText(), new RegExp(`^Log key: ${h.init.log_origin.replace(/[.]/g, '\\.')} \\(key ID [0-9a-f]{8}\\) you typed\\.$`));
      await check.locator('summary').click();
      assert.equal(await check.locator('[data-status="ok"]').count(), 6, 'the signature, the witnesses and the four inclusion steps');
      await shot(page, 'ledger-verify-download');

      // A pasted trust file is used instead of the server's: one that trusts nobody accepts no signature.
      await page.getByText('Paste a trust file instead').click();
      await page.getByLabel('Trust file (JSON)').fill(JSON.stringify({ type: 'accord-trust', version: 2, policy: `log ${h.init.log_vkey}\nquorum none\n`, signatories: [] }));
      await page.getByRole('button', { name: 'Verify again with this key' }).click();
      await check.getByText('✗ Signature not accepted').waitFor();
      assert.match(await page.getByTestId('trust-source').innerText(), /the trust file you pasted \(0 keys · 0 witnesses, quorum "none"\)/);
      assert.equal(await check.locator('[data-step="dsse-signature"]').getAttribute('data-code'), 'KEY_UNKNOWN');
      assert.match(await check.getByTestId('signature-detail').innerText(), /no signature verifies with a key in the trust file/);
      await shot(page, 'ledger-verify-download-pasted-trust');

      // Dropped rather than chosen: the same file through the drop zone.
      await page.getByTestId('dropzone').evaluate(async (zone, text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.txt', { type: 'text/plain' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, 'dropped bytes');
      await until(async () => (await page.getByTestId('file-facts').innerText()).includes('dropped.txt'), 'the dropped file');
      await until(async () => (await page.getByTestId('file-sha256').innerText()) === createHash('sha256').update('dropped bytes').digest('hex'), 'the dropped file hash');

      // A file nobody released.
      await page.getByLabel('File to verify').setInputFiles({ name: 'unknown.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('not released') });
      await page.getByTestId('no-release').waitFor();
      assert.equal(await page.getByTestId('file-sha256').innerText(), createHash('sha256').update('not released').digest('hex'));
      await shot(page, 'ledger-verify-unknown');
    });
  });

  test('"verify a download" accepts the demo release file and refuses a release signed by a since-revoked key', async () => {
    // The file `init --demo` left in DATA/demo/, published through the real API with the demo release key.
    const demoFile = (h.init.demo as { release?: { file: string; purl: string } }).release;
    assert.ok(demoFile, 'init --demo reports its release');
    const demoBytes = readFileSync(demoFile.file);
    assert.equal(basename(demoFile.file), 'demo-northwind-agent-1.0.0.tar.gz');

    // A release whose key Northwind revokes after publishing it.
    const artifact = Buffer.from(`Demo · Northwind agent 0.9.0, key revoked later (e2e ${Date.now()})\n`);
    const purl = 'pkg:generic/demo-northwind/agent@0.9.0';
    const published = await publishRelease(purl, [{ name: 'northwind-agent-0.9.0.tar.gz', sha256: createHash('sha256').update(artifact).digest('hex') }]);
    const publisher = h.init.demo.tokens.find((t) => t.org === 'demo-northwind' && t.role === 'org-admin')!;
    await h.apiSend('DELETE', `/api/v1/orgs/demo-northwind/keys/${published.keyRecordId}`, publisher.token);

    await h.withPage(async (page) => {
      await page.goto(`${h.base}/releases/verify?vkey=${encodeURIComponent(h.init.log_vkey)}`);
      await page.getByLabel('File to verify').setInputFiles({ name: basename(demoFile.file), mimeType: 'application/gzip', buffer: demoBytes });
      const check = page.getByTestId('release-check');
      await check.getByText('✓ Signed, listed and in the signed log').waitFor();
      assert.equal(await check.count(), 1);
      assert.match(await check.innerText(), /pkg:generic\/demo-northwind\/agent@1\.0\.0/);
      assert.equal(await check.locator('[data-step="dsse-signature"]').getAttribute('data-status'), 'ok');
      assert.match(await check.getByTestId('signature-detail').innerText(), /^signature: signed by Demo · Northwind.* with ed25519 key [0-9a-f]{16}…, allowed for pkg:generic\/demo-northwind\/agent@1\.0\.0$/);
      await shot(page, 'ledger-verify-download-demo');

      await page.getByLabel('File to verify').setInputFiles({ name: 'northwind-agent-0.9.0.tar.gz', mimeType: 'application/gzip', buffer: artifact });
      await until(async () => (await check.count()) === 1 && /agent@0\.9\.0/.test(await check.innerText()), 'the revoked-key release');
      await check.getByText('✗ Signature not accepted').waitFor();
      assert.equal(await check.locator('[data-step="dsse-signature"]').getAttribute('data-status'), 'failed');
      assert.equal(await check.locator('[data-step="dsse-signature"]').getAttribute('data-code'), 'KEY_REVOKED');
      assert.match(await check.getByTestId('signature-detail').innerText(), new RegExp(`^signature: signed by Demo · Northwind.*'s key ${published.keyId.slice(0, 16)}…, which was revoked at \\d{4}-`));
      // Listed and logged all the same: only the signature check fails.
      assert.match(await check.innerText(), /✓ this file/);
      await shot(page, 'ledger-verify-download-revoked');
    });
  });

  test('"verify a download" checks the checkpoint’s witness cosignatures against the trust file’s policy, with its log key', async () => {
    const artifact = Buffer.from(`Demo · Northwind agent 2.0.0, witnessed (e2e ${Date.now()})\n`);
    const digest = createHash('sha256').update(artifact).digest('hex');
    await publishRelease('pkg:generic/demo-northwind/agent@2.0.0', [{ name: 'northwind-agent-2.0.0.tar.gz', sha256: digest }]);
    // Three witnesses; a1 and b1 cosign every checkpoint the page is served (the demo log configures no witness,
    // and the harness has no way to add one, so their genuine cosignatures are added on the way, as above).
    const [a1, b1, c1] = ['witness.example/a1', 'witness.example/b1', 'witness.example/c1'].map((name, i) => cosignerFromSeed(name, new Uint8Array(32).fill(0x40 + i)));
    const witnessLines = [a1!, b1!, c1!].map((w, i) => `witness ${['a1', 'b1', 'c1'][i]} ${cosignerVerifierKey(w.name, w.publicKey)}`).join('\n');
    const served = await h.apiGet<{ signatories: unknown[] }>('/api/v1/trust', null);
    const trustWith = (groups: string) => JSON.stringify({ ...served, policy: `log ${h.init.log_vkey}\n\n${witnessLines}\n${groups}` });
    const cosignedAt = Math.floor(Date.now() / 1000) - 5;

    await h.withPage(async (page) => {
      let tamper = false;
      await page.route('**/log/checkpoint', async (route) => {
        const res = await route.fetch();
        let note = addCosignature(addCosignature(await res.text(), a1!, cosignedAt), b1!, cosignedAt + 1);
        if (tamper) {
          // b1's cosignature with one bit of its Ed25519 signature flipped.
          const lines = note.split('\n');
          const i = lines.findIndex((l) => l.startsWith(`— ${b1!.name} `));
          const [dash, name, b64] = lines[i]!.split(' ') as [string, string, string];
          const raw = Buffer.from(b64, 'base64');
          raw[raw.length - 1]! ^= 1;
          lines[i] = `${dash} ${name} ${raw.toString('base64')}`;
          note = lines.join('\n');
        }
        await route.fulfill({ response: res, body: note });
      });
      // No key typed and no trust file pasted: the log key comes from the server's own trust file, and the page says so.
      await page.goto(`${h.base}/releases/verify`);
      assert.equal(await page.getByLabel('Log verifier key').inputValue(), '');
      await page.getByLabel('File to verify').setInputFiles({ name: 'northwind-agent-2.0.0.tar.gz', mimeType: 'application/gzip', buffer: artifact });
      const check = page.getByTestId('release-check');
      // Every check passes, but with the server's own keys only: amber, never the independent green verdict.
      await check.getByText('✓ Signed, listed and logged — by this server’s own keys (not an independent check)').waitFor();
      assert.equal(await check.getByText('✓ Signed, listed and in the signed log').count(), 0);
      await page.getByText('Checked with this server’s own log key').waitFor();
      const keyNote = check.getByTestId('log-key-source');
      assert.equal(await keyNote.getAttribute('data-source'), 'policy');
      assert.match(await keyNote.innerText(), /from the policy in the trust file fetched from this server \(not an independent check\)\.$/);
      // a1 and b1 are not in the server's policy: their cosignatures are ignored, and it requires none.
      assert.equal(await check.getByTestId('witness-detail').innerText(), 'no witness cosignature required (quorum none)');
      await shot(page, 'ledger-verify-server-key');

      // The user's trust file: its log key (still none typed) and its witnesses, two of three of whom must cosign.
      await page.getByText('Paste a trust file instead').click();
      await page.getByLabel('Trust file (JSON)').fill(trustWith('group both 2 a1 b1 c1\nquorum both\n'));
      await page.getByRole('button', { name: 'Verify again' }).click();
      await until(async () => /you pasted/.test(await page.getByTestId('trust-source').innerText()), 'the pasted trust file in use');
      await check.getByText('✓ Signed, listed and in the signed log').waitFor();
      assert.equal(await page.getByText('Checked with this server’s own log key').count(), 0);
      const witnesses = check.locator('[data-step="witnesses"]');
      assert.equal(await witnesses.getAttribute('data-status'), 'ok');
      assert.equal(await check.getByTestId('witness-detail').innerText(), '2 of 3 witnesses cosigned (a1, b1), which satisfies quorum "both"');
      assert.match(await page.getByTestId('trust-source').innerText(), /the trust file you pasted \(\d+ keys? · 3 witnesses, quorum "both"\)/);
      assert.equal(await keyNote.getAttribute('data-source'), 'policy');
      assert.match(await keyNote.innerText(), /^Log key: .* \(key ID [0-9a-f]{8}\) from the policy in the trust file you pasted\.$/);
      assert.equal(await page.getByText('Not checked here').count(), 0);
      await check.locator('summary').click();
      assert.equal(await check.locator('[data-status="ok"]').count(), 6);
      await shot(page, 'ledger-verify-witnessed');

      // The user's own policy also requires c1, which did not cosign.
      await page.getByLabel('Trust file (JSON)').fill(trustWith('group both 2 a1 b1 c1\ngroup with-c1 all both c1\nquorum with-c1\n'));
      await page.getByRole('button', { name: 'Verify again' }).click();
      await check.getByText('✗ Witness quorum not met').waitFor();
      assert.equal(await witnesses.getAttribute('data-status'), 'failed');
      assert.equal(await witnesses.getAttribute('data-code'), 'COSIGNATURE_QUORUM_NOT_MET');
      assert.equal(await check.getByTestId('witness-detail').innerText(), '2 of 3 witnesses cosigned (a1, b1), which does not satisfy quorum "with-c1"; no cosignature by c1');
      // Everything else holds: only the witness check fails.
      assert.equal(await check.locator('[data-step="dsse-signature"]').getAttribute('data-status'), 'ok');
      await shot(page, 'ledger-verify-witness-quorum-not-met');

      // A listed witness's cosignature that does not verify rejects the checkpoint, though a1's alone satisfies quorum "any1"
      // (as src/ledger/cosignature.ts verifyCosignatures on the server).
      tamper = true;
      await page.getByLabel('Trust file (JSON)').fill(trustWith('group any1 any a1 b1 c1\nquorum any1\n'));
      await page.getByRole('button', { name: 'Verify again' }).click();
      await check.getByText('✗ A witness cosignature is invalid').waitFor();
      assert.equal(await witnesses.getAttribute('data-code'), 'COSIGNATURE_INVALID');
      assert.match(await check.getByTestId('witness-detail').innerText(), /^the cosignature of witness\.example\/b1 \(witness b1\) does not verify/);
      tamper = false;

      // A policy that is not tlog-policy: the trust file is refused, and the witness step says why it did not run.
      await page.getByLabel('Trust file (JSON)').fill(trustWith('quorum nobody\n'));
      await page.getByRole('button', { name: 'Verify again' }).click();
      await check.getByText('✗ Signature not accepted').waitFor();
      assert.equal(await witnesses.getAttribute('data-status'), 'skipped');
      assert.match(await check.getByTestId('witness-detail').innerText(), /^not checked: the trust file is not usable \(trust file: policy: policy line 6: quorum "nobody" is not defined on an earlier line\)$/);
      assert.equal(await keyNote.getAttribute('data-source'), 'none');
      await shot(page, 'ledger-verify-bad-policy');
    });
  });
});

async function checkpoint(): Promise<{ size: number; root: string; note: string }> {
  const note = await (await fetch(`${h.base}/log/checkpoint`)).text();
  const [, size = '0', root = ''] = note.split('\n');
  return { size: Number(size), root, note };
}

async function stepStatuses(page: Page): Promise<Record<string, string>> {
  const items = page.locator('[data-testid="verify-panel"] .verify-step');
  const out: Record<string, string> = {};
  for (const el of await items.all()) out[(await el.getAttribute('data-step'))!] = (await el.getAttribute('data-status'))!;
  return out;
}

/** A well-formed C2SP verifier key for `name` and a raw Ed25519 public key. */
function vkeyFor(name: string, publicKey: Buffer): string {
  const body = Buffer.concat([Buffer.of(0x01), publicKey]);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), body])).digest().subarray(0, 4).toString('hex');
  return `${name}+${id}+${body.toString('base64')}`;
}

/**
 * Registers a release key for Northwind as its org-admin and publishes a DSSE-signed in-toto release statement
 * with it; returns the log index, the key ID and the registry's id for the key (to revoke it).
 */
async function publishRelease(purl: string, subjects: { name: string; sha256: string }[]): Promise<{ index: number; keyId: string; keyRecordId: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  const publisher = h.init.demo.tokens.find((t) => t.org === 'demo-northwind' && t.role === 'org-admin')!;
  const registered = await h.apiSend<{ id: string }>('POST', '/api/v1/orgs/demo-northwind/keys', publisher.token, { name: `E2E release key ${keyid.slice(0, 8)}`, public_key: pem });
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
      predicateType: 'https://in-toto.io/attestation/release/v0.1',
      predicate: { purl },
    }),
  );
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${statement.length} `), statement]);
  const envelope = { payloadType: type, payload: statement.toString('base64'), signatures: [{ keyid, sig: sign(null, pae, privateKey).toString('base64') }] };
  const res = await h.apiSend<{ index: number }>('POST', '/api/v1/releases', publisher.token, envelope);
  return { index: res.index, keyId: keyid, keyRecordId: registered.id };
}
