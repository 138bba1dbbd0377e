import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cli, ensureBuilt, startServer, tempDir, type Server } from './helpers.js';

let dir: ReturnType<typeof tempDir>;
let server: Server;
let token: string;
before(async () => {
  await ensureBuilt();
  dir = tempDir('accord-org-key-');
  const init = await cli(['init', '--data', join(dir.path, 'data'), '--demo']);
  assert.equal(init.code, 0, init.stderr);
  token = JSON.parse(init.stdout).demo.tokens.find((t: any) => t.org === 'demo-fabrikam' && t.role === 'org-admin').token;
  server = await startServer(join(dir.path, 'data'));
});
after(async () => {
  await server?.stop();
  dir?.cleanup();
});

it('accord org add-release-key registers a release key, as the release workflow documents', async () => {
  const pub = join(dir.path, 'rel.pub');
  writeFileSync(pub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const r = await cli(['--server', server.url, '--token', token, '--json', 'org', 'add-release-key', 'demo-fabrikam', pub, '--name', 'fabrikam 2026']);
  assert.equal(r.code, 0, r.stderr);
  const key = JSON.parse(r.stdout);
  assert.equal(key.algorithm, 'ed25519');
  const listed = (await api(server.url, null, 'GET', '/api/v1/orgs/demo-fabrikam/keys')).body.items;
  assert.ok(listed.some((k: any) => k.id === key.id && k.name === 'fabrikam 2026'));
  const denied = await cli(['--server', server.url, '--token', token, 'org', 'add-release-key', 'demo-northwind', pub]);
  assert.equal(denied.code, 1, 'another organisation refuses');
  assert.match(denied.stderr, /403 FORBIDDEN/);
});
