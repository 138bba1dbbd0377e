#!/usr/bin/env node
// The whole suite: unit, store contract (SQLite always; PostgreSQL when reachable),
// HTTP, CLI and browser tests, through Node's own test runner.
// ACCORD_TEST_PG_URL points at a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test);
// in CI (CI=true) an unreachable PostgreSQL or a missing Chromium fails the run instead of skipping.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

// Arguments name test files or directories (every *.test.ts below them): Node 20's runner
// would take a directory as one file and run none of its tests.
for (const p of process.argv.slice(2)) {
  if (!existsSync(p)) {
    console.error(`no such test file or directory: ${p}`);
    process.exit(2);
  }
}
const only = process.argv.slice(2).flatMap((p) => (statSync(p).isDirectory() ? find(p).sort() : [p]));
const files = only.length > 0 ? only : find('test').sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
