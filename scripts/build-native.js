#!/usr/bin/env node
// Builds native/malloc-trim (native-memory.ts) with npm's own node-gyp. Optional: without a C compiler,
// or off Linux, the server runs without it (it then keeps freed memory after a big ingest). CI=true
// makes a failed build fail, so the tests run with what production gets.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const dir = 'native/malloc-trim';
const built = `${dir}/build/Release/malloc_trim.node`;
const sources = [`${dir}/trim.c`, `${dir}/binding.gyp`];
const strict = process.env.CI === 'true';

function skip(why) {
  if (strict) {
    console.error(`build-native: ${why}`);
    process.exit(1);
  }
  console.warn(`build-native: ${why}; the server will run without returning freed memory to the system`);
  process.exit(0);
}

if (process.platform !== 'linux') process.exit(0);
if (existsSync(built) && sources.every((s) => statSync(s).mtimeMs <= statSync(built).mtimeMs)) process.exit(0);
const gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) skip('node-gyp not found (run through npm: npm run build)');
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--loglevel=error', '--directory', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
if (r.status !== 0) skip(`node-gyp failed (exit ${r.status})`);
