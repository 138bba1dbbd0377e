/**
 * Domain folders stay pure (DESIGN.md, CONVENTIONS.md §1): no HTTP framework,
 * query builder, database driver or environment access. This test fails when
 * a domain file imports one, like tessera's storage architecture test.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const DOMAINS = ['registry', 'intel', 'disclosure', 'advisory', 'ledger', 'release', 'match'];
const FORBIDDEN = [/from ['"](fastify|@fastify\/[^'"]+)['"]/, /from ['"]kysely['"]/, /from ['"](pg|better-sqlite3)['"]/, /from ['"]pino['"]/, /process\.env/, /from ['"]\.\.\/(store|http|cli)\//];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

it('domain folders import no transport, database or environment', () => {
  const src = new URL('../../src/', import.meta.url).pathname;
  const offences: string[] = [];
  let checked = 0;
  for (const d of DOMAINS) {
    for (const f of files(join(src, d))) {
      checked++;
      const text = readFileSync(f, 'utf8');
      for (const re of FORBIDDEN) if (re.test(text)) offences.push(`${f.slice(src.length)}: ${re}`);
    }
  }
  assert.ok(checked > 10, 'found the domain files');
  assert.deepEqual(offences, []);
});

it('only the error handler maps codes to HTTP statuses', () => {
  const src = new URL('../../src/', import.meta.url).pathname;
  // The witness speaks C2SP tlog-witness, whose statuses and plain-text bodies the spec fixes,
  // so its own server maps its codes (src/witness/app.ts); everything under /api goes through the handler.
  const offences = files(src).filter(
    (f) => !f.endsWith('http/error-handler.ts') && !f.endsWith('witness/app.ts') && /(STATUS_BY_CODE\s*[:=]|function statusOf)/.test(readFileSync(f, 'utf8')),
  );
  assert.deepEqual(offences, []);
});

it('every domain error code has an HTTP status', async () => {
  const { STATUS_BY_CODE } = await import('../../src/http/error-handler.js');
  const { INTEL_ERROR_CODES } = await import('../../src/intel/errors.js');
  const { RELEASE_ERROR_CODES } = await import('../../src/release/errors.js');
  const { DISCLOSURE_ERROR_CODES } = await import('../../src/disclosure/errors.js');
  const { ADVISORY_ERROR_CODES } = await import('../../src/advisory/errors.js');
  const { NOTIFY_ERROR_CODES } = await import('../../src/notify/errors.js');
  const { VERSION_ERROR_CODES } = await import('../../src/advisory/versions/errors.js');
  const { SBOM_ERROR_CODES } = await import('../../src/advisory/sbom/errors.js');
  const { MATCH_ERROR_CODES } = await import('../../src/match/errors.js');
  const missing = [...INTEL_ERROR_CODES, ...RELEASE_ERROR_CODES, ...DISCLOSURE_ERROR_CODES, ...ADVISORY_ERROR_CODES, ...NOTIFY_ERROR_CODES, ...VERSION_ERROR_CODES, ...SBOM_ERROR_CODES, ...MATCH_ERROR_CODES].filter((c) => !(c in STATUS_BY_CODE));
  assert.deepEqual(missing, []);
});
