#!/usr/bin/env node
// The whole suite: unit, store contract (SQLite always; PostgreSQL when reachable),
// HTTP, CLI and browser tests, through Node's own test runner.
// ACCORD_TEST_PG_URL points at a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test);
// in CI (CI=true) an unreachable PostgreSQL or a missing Chromium fails the run instead of skipping.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
