import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';

/**
 * PostgreSQL for the store tests: the server named by ACCORD_TEST_PG_URL
 * (default: a local server with trust auth), one throw-away database per test.
 */
export const PG_URL = process.env.ACCORD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Runs `fn` with a fresh connection to `url` (the test server by default), closing it afterwards. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used, or null when it can. */
async function probe(): Promise<string | null> {
  try {
    await withClient(PG_URL, (c) => c.query('SELECT 1'));
    return null;
  } catch (err) {
    return `PostgreSQL is not reachable at ${redact(PG_URL)} (set ACCORD_TEST_PG_URL): ${(err as Error).message}`;
  }
}

/**
 * Checks the server once per test file. Returns the reason to skip the
 * PostgreSQL tests, or false to run them. In CI (CI=true) an unreachable
 * server is not a reason: it registers a failing test instead, because CI
 * must exercise both backends.
 */
export async function pgAvailability(): Promise<string | false> {
  const reason = await probe();
  if (reason === null) return false;
  if (process.env.CI === 'true') {
    test('PostgreSQL is reachable (required when CI=true)', () => {
      assert.fail(reason);
    });
  }
  return reason;
}

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Drops the database, disconnecting anyone still connected. */
  drop(): Promise<void>;
}

/** Creates an empty database with a random name on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `accord_t_${randomBytes(6).toString('hex')}`;
  await withClient(PG_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => withClient(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Creates an empty schema in `db` and returns a URL whose connections use it
 * as search_path, so a store opened on it creates its tables there. Much
 * cheaper than a database per test.
 */
export async function createTestSchema(db: TestDatabase): Promise<TestDatabase & { schema: string }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const run = (statement: string) => withClient(db.url, (c) => c.query(statement)).then(() => undefined);
  await run(`CREATE SCHEMA ${name}`);
  return {
    schema: name,
    url: withSettings(db.url, { search_path: name }),
    drop: () => run(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}

/** Adds `-c key=value` run-time settings to a URL (node-postgres passes `options` to the server). */
export function withSettings(url: string, settings: Record<string, string>): string {
  const u = new URL(url);
  const options = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`);
  const existing = u.searchParams.get('options');
  u.searchParams.set('options', [...(existing ? [existing] : []), ...options].join(' '));
  return u.toString();
}
