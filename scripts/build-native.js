#!/usr/bin/env node
// Builds native/malloc-trim (src/native-memory.ts) with npm's own node-gyp. Optional: without a C compiler,
// under another package manager, or off Linux, the server runs without it (it then keeps the memory an
// ingest freed) and says so when it starts. ACCORD_REQUIRE_NATIVE=1 (set by .ci/run) makes a failed build
// fail, so the tests run with what a production build gets.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const dir = fileURLToPath(new URL('../native/malloc-trim/', import.meta.url));
const built = `${dir}build/Release/malloc_trim.node`;
const sources = [`${dir}trim.c`, `${dir}binding.gyp`];
const strict = process.env.ACCORD_REQUIRE_NATIVE === '1';

function skip(why) {
  if (strict) {
    console.error(`build-native: ${why}`);
    process.exit(1);
  }
  console.warn(`build-native: ${why}; the server will run without returning freed memory to the system`);
  process.exit(0);
}

if (process.platform !== 'linux') process.exit(0);
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : Infinity);
if (existsSync(built) && sources.every((s) => mtime(s) <= statSync(built).mtimeMs)) process.exit(0);
const gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) skip('node-gyp not found (run it through npm: npm run build)');
// A header download (no nodedir configured, no network) must not hang the build.
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--loglevel=error', '--directory', dir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
if (r.error) skip(`node-gyp did not run: ${r.error.message}`);
if (r.status !== 0) skip(`node-gyp failed (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`})`);
