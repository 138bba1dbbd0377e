/**
 * `accord init` and `--help`, through the real compiled CLI (node dist/cli.js).
 * DESIGN.md "Interfaces users rely on": init prints one JSON object with at
 * least admin_token, log_origin, log_vkey; ACCORD_ADMIN_TOKEN sets the admin
 * token; an initialised directory is refused and left unchanged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ensureBuilt, mapLimit, snapshotDir, tempDir } from './helpers.js';

const tmp = tempDir('accord-cli-init-');
before(ensureBuilt, { timeout: 150_000 });
after(() => tmp.cleanup());

let n = 0;
const newDir = () => join(tmp.path, `data-${++n}`, 'nested');

/** Parses stdout as exactly one JSON object (nothing before or after it). */
function oneJsonObject(stdout: string): Record<string, any> {
  const value = JSON.parse(stdout) as unknown;
  assert.equal(typeof value, 'object');
  assert.ok(value !== null && !Array.isArray(value), 'stdout is one JSON object');
  return value as Record<string, any>;
}

const mode = (p: string) => statSync(p).mode & 0o777;

/**
 * Checks a C2SP signed-note verifier key `name+hash+base64(0x01||pubkey)`
 * independently of Accord's code: the key ID is SHA-256(name || 0x0A || 0x01 || pubkey)[:4]
 * (c2sp.org/signed-note), and returns the public key.
 */
function checkVkey(vkey: string, origin: string): Buffer {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey);
  assert.ok(m, `log_vkey ${vkey} has the form name+8hex+base64`);
  assert.equal(m[1], origin, 'the key name is the log origin');
  const raw = Buffer.from(m[3]!, 'base64');
  assert.equal(raw.length, 33, 'type byte + 32-byte Ed25519 key');
  assert.equal(raw[0], 0x01, 'Ed25519 signature type');
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(origin, 'utf8'), Buffer.from([0x0a, 0x01]), raw.subarray(1)])).digest();
  assert.equal(m[2], id.subarray(0, 4).toString('hex'), 'key ID per c2sp.org/signed-note');
  return raw.subarray(1);
}

describe('accord init', { concurrency: true }, () => {
  test('prints one JSON object with admin_token, log_origin and log_vkey; files are private', async () => {
    const dir = newDir();
    const r = await cli(['init', '--data', dir]);
    assert.equal(r.code, 0, r.stderr);
    const out = oneJsonObject(r.stdout);
    assert.match(out.admin_token, /^\S{24,}$/);
    assert.match(out.log_origin, /^accord\.local\/log-[0-9a-f]{8}$/, 'the default origin');
    const pub = checkVkey(out.log_vkey, out.log_origin);
    assert.equal(out.database, 'sqlite');
    assert.equal(out.data_dir, dir);
    assert.equal(out.admin_email, 'admin@secretariat.invalid');
    assert.equal(out.demo, undefined, 'no demo data without --demo');

    assert.equal(mode(dir), 0o700, 'data dir 0700');
    assert.equal(mode(join(dir, 'log.key')), 0o600, 'log.key 0600');
    assert.equal(mode(join(dir, 'accord.db')), 0o600, 'accord.db 0600');
    assert.deepEqual(readdirSync(dir).sort(), ['accord.db', 'accord.json', 'log.key'], 'no temporary files left');

    // log.key is the signed-note private key of the same origin, and matches log_vkey.
    const key = readFileSync(join(dir, 'log.key'), 'utf8').trim();
    const k = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(key);
    assert.ok(k, 'log.key is PRIVATE+KEY+name+hash+base64');
    assert.equal(k[1], out.log_origin);
    assert.equal(k[2], out.log_vkey.split('+')[1], 'same key ID as the verifier key');
    const seed = Buffer.from(k[3]!, 'base64');
    assert.equal(seed[0], 0x01);
    const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed.subarray(1)]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
    assert.deepEqual(spki.subarray(spki.length - 32), pub, 'log_vkey is the public half of log.key');

    // The manifest records the installation but never a secret.
    const manifestText = readFileSync(join(dir, 'accord.json'), 'utf8');
    const manifest = JSON.parse(manifestText);
    assert.equal(manifest.log_origin, out.log_origin);
    assert.equal(manifest.log_vkey, out.log_vkey);
    assert.ok(!manifestText.includes(out.admin_token), 'the manifest holds no admin token');
    assert.ok(!manifestText.includes(k[3]!), 'the manifest holds no private key');
  });

  test('a second init on the same directory exits 1, says why, and changes no byte', async () => {
    const dir = newDir();
    const first = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
    assert.equal(first.code, 0, first.stderr);
    const before = snapshotDir(dir);
    const dirMode = mode(dir);
    for (const args of [['init', '--data', dir], ['init', '--data', dir, '--demo', '--log-origin', 'example.org/other']]) {
      const again = await cli(args, { env: { ACCORD_ADMIN_TOKEN: 'another-admin-token-long-enough-0123' } });
      assert.equal(again.code, 1, `exit code 1 (stderr: ${again.stderr})`);
      assert.equal(again.stdout, '', 'nothing on stdout');
      assert.match(again.stderr, /^accord: .*already initialised.*nothing was changed/m);
      assert.deepEqual(snapshotDir(dir), before, 'every file byte-identical, same modes, none added');
      assert.equal(mode(dir), dirMode);
    }
  });

  test('a directory holding only a database is refused too', async () => {
    const dir = newDir();
    assert.equal((await cli(['init', '--data', dir])).code, 0);
    // Lose the manifest and key but keep accord.db: still not a fresh directory.
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'accord.json'));
    rmSync(join(dir, 'log.key'));
    const before = snapshotDir(dir);
    const r = await cli(['init', '--data', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^accord: .*already holds a database/m);
    assert.deepEqual(snapshotDir(dir), before);
  });

  test('ACCORD_ADMIN_TOKEN sets the admin token; --admin-email and --log-origin are honoured', async () => {
    const dir = newDir();
    const token = 'deploy-' + 'x'.repeat(30);
    const r = await cli(['init', '--data', dir, '--admin-email', 'Ops@Example.org', '--log-origin', 'accord.example.org/log'], {
      env: { ACCORD_ADMIN_TOKEN: token },
    });
    assert.equal(r.code, 0, r.stderr);
    const out = oneJsonObject(r.stdout);
    assert.equal(out.admin_token, token);
    assert.equal(out.log_origin, 'accord.example.org/log');
    checkVkey(out.log_vkey, 'accord.example.org/log');
    assert.match(out.admin_email, /^ops@example\.org$/i);
  });

  test('a too-short ACCORD_ADMIN_TOKEN is refused with exit 1 and leaves no files behind', async () => {
    const dir = newDir();
    const r = await cli(['init', '--data', dir], { env: { ACCORD_ADMIN_TOKEN: 'short' } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^accord: /m);
    assert.match(r.stderr, /ACCORD_ADMIN_TOKEN/, `the message names the variable: ${r.stderr}`);
    assert.match(r.stderr, /24/, 'and the rule (at least 24 characters)');
    assert.ok(!existsSync(dir) || readdirSync(dir).length === 0, `no files left in ${dir}: ${existsSync(dir) ? readdirSync(dir).join(', ') : ''}`);
    assert.ok(!existsSync(dir), 'the directory init would have created is not left behind');
  });

  test('an invalid --log-origin is refused before anything is created', async () => {
    const dir = newDir();
    const r = await cli(['init', '--data', dir, '--log-origin', 'has a space']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^accord: .*origin/m);
    assert.ok(!existsSync(dir));
  });

  test('--demo adds labelled demo data with a token per demo signatory', async () => {
    const dir = newDir();
    const r = await cli(['init', '--data', dir, '--demo'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = oneJsonObject(r.stdout);
    assert.ok(out.admin_token && out.log_origin && out.log_vkey);
    const demo = out.demo;
    assert.ok(demo, 'a demo section');
    assert.match(demo.label, /demo/i);
    assert.ok(Array.isArray(demo.signatories) && demo.signatories.length >= 2);
    for (const slug of demo.signatories) assert.match(slug, /^demo-/);
    assert.ok(Array.isArray(demo.tokens) && demo.tokens.length >= demo.signatories.length);
    const secrets = new Set<string>();
    for (const t of demo.tokens) {
      assert.ok(demo.signatories.includes(t.org), `${t.org} is a demo signatory`);
      assert.match(t.token, /^\S{24,}$/);
      assert.ok(typeof t.email === 'string' && typeof t.role === 'string');
      secrets.add(t.token);
    }
    assert.equal(secrets.size, demo.tokens.length, 'every demo token is distinct');
    assert.ok(!secrets.has(out.admin_token));
    assert.ok(demo.tokens.some((t: { role: string }) => t.role === 'org-admin'));
    assert.match(demo.pending_application_id, /^[0-9a-f-]{36}$/);
    assert.match(demo.voting_application_id, /^[0-9a-f-]{36}$/);
  });

  test('serve refuses a directory that is not initialised, or one initialised for the other database', async () => {
    const missing = newDir();
    const r1 = await cli(['serve', '--data', missing, '--listen', '127.0.0.1:0'], { timeoutMs: 10_000 });
    assert.equal(r1.code, 1, r1.stderr);
    assert.match(r1.stderr, /^accord: .*not an Accord data directory; run `accord init --data /m);
    assert.ok(!existsSync(missing), 'serve creates nothing');

    const dir = newDir();
    assert.equal((await cli(['init', '--data', dir])).code, 0);
    const before = snapshotDir(dir);
    // Nothing listens on port 1: the refusal must come before any connection attempt.
    const r2 = await cli(['serve', '--data', dir, '--listen', '127.0.0.1:0'], { env: { ACCORD_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, timeoutMs: 10_000 });
    assert.equal(r2.code, 1, r2.stderr);
    assert.match(r2.stderr, /^accord: .*initialised with the embedded SQLite database; unset ACCORD_DATABASE_URL/m);
    assert.deepEqual(snapshotDir(dir), before);
  });

  test('init without --data is a usage error', async () => {
    const r = await cli(['init']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--data/);
  });
});

// ---------------------------------------------------------------------------
// --help for every command and subcommand, walking the tree the CLI itself prints.

/** Command names listed under "Commands:" in a commander help text (without `help`). */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:\n/m)[1];
  if (!section) return [];
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (line.trim() === '') break;
    const m = /^ {2}([a-z][a-z0-9-]*)\b/.exec(line); // continuation lines are indented further
    if (m && m[1] !== 'help') names.push(m[1]!);
  }
  return names;
}

test('--help works for every command and subcommand, exit 0', async () => {
  const seen: string[] = [];
  const problems: string[] = [];
  const root = await cli(['--help']);
  assert.equal(root.code, 0);
  assert.match(root.stdout, /^Usage: accord /);
  let frontier = listedCommands(root.stdout).map((c) => [c]);
  assert.ok(frontier.length > 5, 'the root help lists the commands');
  while (frontier.length > 0) {
    const results = await mapLimit(frontier, 4, async (path) => ({ path, r: await cli([...path, '--help']) }));
    frontier = [];
    for (const { path, r } of results) {
      const name = path.join(' ');
      seen.push(name);
      if (r.code !== 0) problems.push(`${name} --help exited ${r.code}: ${r.stderr}`);
      if (!r.stdout.startsWith(`Usage: accord ${name}`)) problems.push(`${name} --help: unexpected output ${JSON.stringify(r.stdout.slice(0, 80))}`);
      if (r.stderr !== '') problems.push(`${name} --help wrote to stderr: ${r.stderr}`);
      if (!/\n\n\S.*\n/.test(r.stdout)) problems.push(`${name} --help has no description`);
      frontier.push(...listedCommands(r.stdout).map((c) => [...path, c]));
    }
  }
  assert.deepEqual(problems, []);
  // The commands users rely on (DESIGN.md and the CLI reference) are all there.
  const expected = [
    'init', 'serve', 'me', 'signatories list', 'signatories show', 'progress',
    'orgs list', 'orgs show', 'orgs create', 'orgs update', 'orgs status', 'orgs endorse', 'orgs withdraw',
    'keys list', 'keys add', 'keys revoke', 'users list', 'users update',
    'invitations create', 'invitations list', 'invitations revoke', 'invitations accept',
    'tokens list', 'tokens create', 'tokens revoke', 'pledges list', 'pledges create',
    'voting-rule show', 'voting-rule set', 'audit',
    'applications list', 'applications show', 'applications submit', 'applications sponsor',
    'applications open-vote', 'applications vote', 'applications reject', 'applications close',
  ];
  for (const c of expected) assert.ok(seen.includes(c), `accord ${c} exists (seen: ${seen.join(', ')})`);
  // `help <command>` is the other spelling users try.
  const viaHelp = await cli(['help', 'applications']);
  assert.equal(viaHelp.code, 0);
  assert.match(viaHelp.stdout, /^Usage: accord applications/);
});

test('an unknown command is a usage error (exit 2) that shows the help', async () => {
  const r = await cli(['no-such-command']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
  assert.match(r.stderr, /Usage: accord/);
});
