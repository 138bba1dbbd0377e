// Shared helpers for the ledger tests: a seeded PRNG, vector loading, and the
// reference log of /work/shared/vectors (see its README).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LedgerError } from '../../../src/ledger/errors.js';

/** Deterministic PRNG (mulberry32), so fuzz failures reproduce. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function b64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Reads a JSON vector from test/vectors/c2sp/. */
export function loadVector<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/c2sp/${name}`, import.meta.url), 'utf8')) as T;
}

/** Asserts `fn` throws a LedgerError, optionally with one of `codes`. */
export function assertLedgerError(fn: () => unknown, codes?: readonly string[]): LedgerError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LedgerError, `expected a LedgerError, got ${String(err)}`);
    if (codes !== undefined) assert.ok(codes.includes(err.code), `expected one of ${codes.join(', ')}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail('expected a LedgerError, nothing was thrown');
}

/** Async variant of `assertLedgerError`. */
export async function rejectsLedgerError(promise: Promise<unknown>, codes?: readonly string[]): Promise<LedgerError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LedgerError, `expected a LedgerError, got ${String(err)}`);
    if (codes !== undefined) assert.ok(codes.includes(err.code), `expected one of ${codes.join(', ')}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail('expected a LedgerError, nothing was thrown');
}

/**
 * The reference log's directory: /work/shared is the repository's sibling, so
 * from test/unit/ledger/ it is four levels up. A missing directory must fail the
 * tests, never skip them.
 */
export const REFERENCE_DIR = new URL('../../../../shared/vectors/tlog-reference/', import.meta.url);

export const REFERENCE_ORIGIN = 'vectors.accord.example/reference';
export const REFERENCE_VKEY = 'vectors.accord.example/reference+306190a4+AbICEbt/Vsf/Hl6Cccod6FQQ89kOUt0hLe9pEyJabeag';
export const REFERENCE_SIZES = [1000, 65536, 70000] as const;

/** The Ed25519 seed of the reference log: SHA-256 of `refgen key seed\naccord-vectors`. */
export function referenceSeed(): Uint8Array {
  return new Uint8Array(createHash('sha256').update('refgen key seed\naccord-vectors', 'utf8').digest());
}

/** Entry `i` of the reference log. */
export function referenceEntry(i: number): Uint8Array {
  return utf8(`harness reference log entry ${i}\n${'#'.repeat(i % 300)}`);
}

/** The file name of the reference checkpoint at `size`. */
export function referenceCheckpointName(size: number): string {
  return size === 70000 ? 'checkpoint' : `checkpoint.${size}`;
}

/** Every file under the reference log's `tile/` directory, by tlog-tiles path. */
export function readReferenceTiles(): Map<string, Uint8Array> {
  const root = fileURLToPath(REFERENCE_DIR);
  const out = new Map<string, Uint8Array>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(root + rel)) {
      const path = `${rel}/${name}`;
      if (statSync(root + path).isDirectory()) walk(path);
      else out.set(path, new Uint8Array(readFileSync(root + path)));
    }
  };
  walk('tile');
  return out;
}

type Rng = ReturnType<typeof prng>;

/**
 * A seeded mutator of text inputs for fuzz tests: one time in ten it damages
 * random bytes (which also makes invalid UTF-8); otherwise it applies one to
 * three edits — insert one of `pieces`, delete a run, flip a bit, truncate, or
 * one of the caller's own `extra` edits (format-aware damage).
 */
export function textMutator(seed: number, pieces: readonly string[], extra: readonly ((text: string, at: number, rng: Rng) => string)[] = []) {
  const rng = prng(seed);
  const basic: ((text: string, at: number) => string)[] = [
    (t, at) => t.slice(0, at) + rng.pick(pieces) + t.slice(at),
    (t, at) => t.slice(0, at) + t.slice(at + 1 + rng.int(8)),
    (t, at) => t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ (1 << rng.int(8))) + t.slice(at + 1),
    (t, at) => t.slice(0, at),
  ];
  const edits = [...basic, ...extra.map((f) => (t: string, at: number) => f(t, at, rng))];
  return (text: string): string | Buffer => {
    if (rng.int(10) === 0) {
      const bytes = Buffer.from(text, 'utf8');
      for (let k = 0, n = 1 + rng.int(3); k < n && bytes.length > 0; k++) bytes[rng.int(bytes.length)] = rng.int(256);
      return bytes;
    }
    for (let k = 0, n = 1 + rng.int(3); k < n; k++) text = rng.pick(edits)(text, rng.int(text.length + 1));
    return text;
  };
}
