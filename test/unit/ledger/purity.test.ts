// Architecture test (CONVENTIONS.md §1): the ledger core is pure. Its only
// dependency is node:crypto; it never reaches the HTTP framework, the query
// builder, a database driver or the environment, and never imports outside
// src/ledger except the shared error base.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const DIR = new URL('../../../src/ledger/', import.meta.url);
const ALLOWED_PACKAGES = new Set(['node:crypto']);
const ALLOWED_OUTSIDE = new Set(['../errors.js']);

describe('src/ledger purity', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('has files to check', () => {
    assert.ok(files.includes('merkle.ts') && files.includes('note-key.ts'));
  });

  for (const file of files) {
    it(`${file} imports only node:crypto and relative ledger modules`, () => {
      const source = readFileSync(new URL(file, DIR), 'utf8');
      const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
        (m) => m[1] as string,
      );
      for (const spec of specifiers) {
        if (spec.startsWith('.')) {
          assert.ok(spec.endsWith('.js'), `${file}: relative import ${spec} must end in .js`);
          assert.ok(spec.startsWith('./') || ALLOWED_OUTSIDE.has(spec), `${file}: ${spec} leaves src/ledger`);
        } else {
          assert.ok(ALLOWED_PACKAGES.has(spec), `${file}: imports ${spec}`);
        }
      }
      assert.ok(!/process\.env/.test(source), `${file} reads process.env`);
      assert.ok(!/\brequire\(/.test(source), `${file} uses require()`);
    });
  }
});
