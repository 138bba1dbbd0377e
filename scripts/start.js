#!/usr/bin/env node
// `npm start`: the first time, `accord init --demo` into the git-ignored .data/ directory
// (its output, with the admin token, is kept in .data/init.json, mode 0600); then `accord serve`.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = process.env.ACCORD_DATA ?? '.data/accord';
const initFile = join(dataDir, '..', 'init.json');
const listen = process.env.ACCORD_LISTEN ?? '127.0.0.1:8080';

if (!existsSync(join(dataDir, 'accord.json'))) {
  mkdirSync(join(dataDir, '..'), { recursive: true, mode: 0o700 });
  const r = spawnSync(process.execPath, ['dist/cli.js', 'init', '--data', dataDir, '--demo'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(initFile, r.stdout, { mode: 0o600 });
}
const init = existsSync(initFile) ? JSON.parse(readFileSync(initFile, 'utf8')) : {};
console.log(`\nAccord (demo data: every name starts with "Demo ·")`);
console.log(`  console:     http://${listen}/`);
console.log(`  API docs:    http://${listen}/api/docs`);
if (init.admin_token) console.log(`  admin token: ${init.admin_token}   (all demo tokens: ${initFile})`);
console.log('');
const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--data', dataDir, '--listen', listen], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
