/**
 * `accord witness init|serve` as a user runs them: a child process running the
 * CLI from source (`node --import tsx src/cli.ts`), so the test does not depend
 * on a fresh dist/ build.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parseCosignerVerifierKey, verifyCosignatures } from '../../src/ledger/cosignature.js';
import { requestCosignature } from '../../src/ledger/witness-client.js';
import { WitnessOldSizeError } from '../../src/ledger/witness.js';
import { tempDir, TestLog } from './support.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARGS = ['--import', 'tsx', join(ROOT, 'src', 'cli.ts')];

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ACCORD_')) env[k] = v;
  return { ...env, ACCORD_LOG_LEVEL: 'warn' };
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ARGS, ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/** Starts `accord witness serve … --listen 127.0.0.1:0` and waits for the address it announces. */
async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [...ARGS, 'witness', 'serve', '--listen', '127.0.0.1:0', ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const guard = () => child.kill('SIGKILL');
  process.once('exit', guard);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', guard);
      resolve(code);
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`witness serve exited ${child.exitCode}: ${err}`);
    const url = /serving (http:\/\/\S+)/.exec(err)?.[1];
    if (url) return { url, child, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`witness serve did not start: ${err}`);
}

describe('accord witness (CLI)', { concurrency: true }, () => {
  const tmp = tempDir('accord-witness-cli-');
  after(() => tmp.cleanup());

  it('init prints the witness vkey as JSON, writes a 0600 key, and refuses an initialised directory', async () => {
    const dir = join(tmp.path, 'init', 'nested');
    const r = await run(['witness', 'init', '--data', dir, '--name', 'witness.example/cli']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    assert.equal(out.witness_name, 'witness.example/cli');
    assert.equal(out.data_dir, dir);
    // The vkey, checked independently: name+hex(SHA-256(name || 0x0A || 0x04 || key)[:4])+base64(0x04 || key).
    const m = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(out.witness_vkey!);
    assert.ok(m, out.witness_vkey);
    const raw = Buffer.from(m[3]!, 'base64');
    assert.equal(raw.length, 33);
    assert.equal(raw[0], 0x04, 'cosignature/v1 key type');
    const id = createHash('sha256').update(Buffer.concat([Buffer.from('witness.example/cli\n'), raw])).digest().subarray(0, 4).toString('hex');
    assert.equal(m[2], id);
    parseCosignerVerifierKey(out.witness_vkey!);

    const key = join(dir, 'witness.key');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.match(readFileSync(key, 'utf8'), /^PRIVATE\+KEY\+witness\.example\/cli\+[0-9a-f]{8}\+\S+\n$/);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'witness.json'), 'utf8')).vkey, out.witness_vkey);

    const again = await run(['witness', 'init', '--data', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a witness/);
    assert.equal(again.stdout, '');
    assert.equal(readFileSync(key, 'utf8').length > 0, true);
  });

  it('--help describes the commands', async () => {
    const [group, init, srv] = await Promise.all([run(['witness', '--help']), run(['witness', 'init', '--help']), run(['witness', 'serve', '--help'])]);
    assert.equal(group.code, 0);
    assert.match(group.stdout, /tlog-witness/);
    assert.match(group.stdout, /init/);
    assert.match(group.stdout, /serve/);
    assert.match(init.stdout, /--data <dir>/);
    assert.match(init.stdout, /--name <name>/);
    assert.match(srv.stdout, /--listen <host:port>/);
    assert.match(srv.stdout, /--log <vkey>/);
    assert.match(srv.stdout, /--prefix <path>/);
  });

  it('serve cosigns for the logs given, remembers them, and keeps its state across restarts', async () => {
    const dir = join(tmp.path, 'serve');
    const init = await run(['witness', 'init', '--data', dir, '--name', 'witness.example/serve']);
    assert.equal(init.code, 0, init.stderr);
    const vkey = (JSON.parse(init.stdout) as { witness_vkey: string }).witness_vkey;
    const verifier = parseCosignerVerifierKey(vkey);

    const none = await run(['witness', 'serve', '--data', dir, '--listen', '127.0.0.1:0']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No logs configured/);
    const badLog = await run(['witness', 'serve', '--data', dir, '--listen', '127.0.0.1:0', '--log', 'garbage']);
    assert.equal(badLog.code, 1);
    assert.match(badLog.stderr, /not an Ed25519 log verifier key/);

    const log = new TestLog('example.com/cli-log');
    log.grow(6);
    let w = await serve(['--data', dir, '--log', log.vkey, '--prefix', '/w']);
    assert.match(w.url, /\/w$/, 'the announced URL is the submission prefix');
    try {
      const res = await requestCosignature({ url: w.url, checkpointNote: log.note(6), oldSize: 0, consistencyProof: [], fetch: globalThis.fetch, timeoutMs: 5000 });
      assert.equal(verifyCosignatures(`${log.note(6)}${res.lines.map((l) => `${l}\n`).join('')}`, [verifier]).length, 1);
    } finally {
      assert.equal(await w.stop(), 0);
    }

    // Restarted without --log: the stored list is used, and the recorded size survived.
    w = await serve(['--data', dir]);
    try {
      log.grow(3);
      const stale = requestCosignature({ url: w.url, checkpointNote: log.note(9), oldSize: 0, consistencyProof: [], fetch: globalThis.fetch, timeoutMs: 5000 });
      await assert.rejects(stale, (e: unknown) => e instanceof WitnessOldSizeError && e.recordedSize === 6);
      const ok = await requestCosignature({
        url: w.url,
        checkpointNote: log.note(9),
        oldSize: 6,
        consistencyProof: log.tree.consistencyProof(6, 9),
        fetch: globalThis.fetch,
        timeoutMs: 5000,
        verifiers: [verifier],
      });
      assert.equal(ok.cosignatures!.length, 1);
    } finally {
      assert.equal(await w.stop(), 0);
    }
  });
});
