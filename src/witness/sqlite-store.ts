import Database from 'better-sqlite3';
import { parseCheckpoint } from '../ledger/checkpoint.js';
import { parseNote } from '../ledger/note.js';
import { bytesEqual } from '../ledger/text-codec.js';
import type { WitnessRecord, WitnessStore } from '../ledger/witness.js';
import { WitnessDirError } from './errors.js';

/**
 * The witness's durable state in SQLite (better-sqlite3): the latest cosigned
 * checkpoint per log, and the configured logs' verifier keys.
 *
 * Why SQLite rather than a file per log: the check of the old size and the write
 * of the new checkpoint must be one atomic step (c2sp.org/tlog-witness lists the
 * rollback race otherwise). Here `update` runs the read, the decision and the write
 * in one `BEGIN IMMEDIATE` transaction. better-sqlite3 is synchronous, so nothing
 * else in this process runs in between, and another process on the same file waits
 * for the write lock. WAL with `synchronous = FULL` makes a commit durable before
 * the cosignature leaves, as the spec requires ("MUST persist … before responding").
 */

const SCHEMA_VERSION = 1;

const MIGRATION_1 = `
CREATE TABLE checkpoints (
  origin     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL CHECK (size >= 0),
  root_hash  BLOB NOT NULL CHECK (length(root_hash) = 32),
  timestamp  INTEGER NOT NULL CHECK (timestamp > 0),
  note       TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE logs (
  vkey     TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT;
`;

interface CheckpointRow {
  origin: string;
  size: number;
  root_hash: Uint8Array;
  timestamp: number;
  note: string;
}

function corrupt(message: string, cause?: unknown): WitnessDirError<'WITNESS_DIR_INVALID'> {
  return new WitnessDirError('WITNESS_DIR_INVALID', message, cause === undefined ? {} : { cause });
}

/** Checks a stored row against the note it holds, so a damaged database fails loudly instead of cosigning from garbage. */
function toRecord(row: CheckpointRow): WitnessRecord {
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(row.note).text);
  } catch (cause) {
    throw corrupt(`the stored checkpoint of ${JSON.stringify(row.origin)} is not a valid note`, cause);
  }
  const rootHash = new Uint8Array(row.root_hash);
  if (checkpoint.origin !== row.origin || checkpoint.size !== row.size || !bytesEqual(checkpoint.rootHash, rootHash) || !Number.isSafeInteger(row.timestamp)) {
    throw corrupt(`the stored checkpoint of ${JSON.stringify(row.origin)} disagrees with its columns`);
  }
  return { origin: row.origin, size: row.size, rootHash, note: row.note, timestamp: row.timestamp };
}

export class SqliteWitnessStore implements WitnessStore {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (creating if needed) the state database at `file`. */
  static open(file: string): SqliteWitnessStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw corrupt(`${file} has schema version ${version}; this Accord knows up to ${SCHEMA_VERSION}`);
      if (version < 1) {
        db.transaction(() => {
          db!.exec(MIGRATION_1);
          db!.pragma(`user_version = ${SCHEMA_VERSION}`);
        }).immediate();
      }
      return new SqliteWitnessStore(db);
    } catch (err) {
      db?.close();
      if (err instanceof WitnessDirError) throw err;
      throw corrupt(`cannot open the witness state ${file}: ${(err as Error).message}`, err);
    }
  }

  latest(origin: string): Promise<WitnessRecord | undefined> {
    try {
      const row = this.#db.prepare('SELECT origin, size, root_hash, timestamp, note FROM checkpoints WHERE origin = ?').get(origin) as CheckpointRow | undefined;
      return Promise.resolve(row === undefined ? undefined : toRecord(row));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  update<T extends { readonly record: WitnessRecord }>(origin: string, decide: (recorded: WitnessRecord | undefined) => T): Promise<T> {
    try {
      const run = this.#db.transaction((): T => {
        const row = this.#db.prepare('SELECT origin, size, root_hash, timestamp, note FROM checkpoints WHERE origin = ?').get(origin) as CheckpointRow | undefined;
        const result = decide(row === undefined ? undefined : toRecord(row));
        const r = result.record;
        if (r.origin !== origin) throw new Error(`decision for ${JSON.stringify(r.origin)} inside the update of ${JSON.stringify(origin)}`);
        this.#db
          .prepare(
            `INSERT INTO checkpoints (origin, size, root_hash, timestamp, note, updated_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root_hash = excluded.root_hash,
               timestamp = excluded.timestamp, note = excluded.note, updated_at = excluded.updated_at`,
          )
          .run(r.origin, r.size, Buffer.from(r.rootHash), r.timestamp, r.note, new Date().toISOString());
        return result;
      });
      // IMMEDIATE takes the write lock before the read, so no other connection can slip in between.
      return Promise.resolve(run.immediate());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The logs' verifier keys as last configured. */
  readLogVkeys(): string[] {
    return (this.#db.prepare('SELECT vkey FROM logs ORDER BY position').all() as { vkey: string }[]).map((r) => r.vkey);
  }

  /** Replaces the configured logs' verifier keys (the recorded checkpoints stay). */
  replaceLogVkeys(vkeys: readonly string[]): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM logs').run();
      const insert = this.#db.prepare('INSERT OR IGNORE INTO logs (vkey, position) VALUES (?, ?)');
      vkeys.forEach((v, i) => insert.run(v, i));
    }).immediate();
  }

  close(): void {
    this.#db.close();
  }
}
