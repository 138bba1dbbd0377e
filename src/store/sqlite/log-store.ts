import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { EntrySize, Integration, LogState, NewEntry, StoredEntry } from '../../ledger/log-store.js';
import { LedgerError } from '../../ledger/errors.js';
import type { TileId } from '../../ledger/tile-path.js';
import { SqlLogStore } from '../sql/log-store.js';
import type { DB } from '../sql/schema.js';
import { sqliteCapabilities } from './capabilities.js';

/** Rows per multi-row INSERT when sequencing (5 parameters each, far below SQLite's limit). */
const INSERT_ROWS = 64;

/**
 * The log store on SQLite: the shared Kysely implementation, with the two hot
 * paths (sequencing and reading entries) on better-sqlite3's prepared
 * statements. They run while holding Kysely's one connection, so they never
 * interleave with another query or transaction.
 */
export class SqliteLogStore extends SqlLogStore {
  private readonly insert: Database.Statement;
  private readonly insertMany: Database.Statement;
  private readonly findKey: Database.Statement;
  private readonly next: Database.Statement;
  private readonly setNext: Database.Statement;
  private readonly range: Database.Statement;
  private readonly sizes: Database.Statement;
  private readonly tile: Database.Statement;
  private readonly bundle: Database.Statement;
  private readonly casState: Database.Statement;
  private readonly state: Database.Statement;
  private readonly putTile: Database.Statement;
  private readonly putBundle: Database.Statement;

  constructor(
    private readonly kdb: Kysely<DB>,
    private readonly raw: Database.Database,
  ) {
    super(kdb, sqliteCapabilities);
    this.insert = raw.prepare('INSERT INTO log_entries (idx, kind, data, added_at, dedupe_key) VALUES (?, ?, ?, ?, ?)');
    // OR ROLLBACK: a multi-row INSERT that may abort half way makes SQLite journal every page it touches
    // (a temporary file past 64 KiB); keys are checked first, so a failure here abandons the batch anyway.
    this.insertMany = raw.prepare(`INSERT OR ROLLBACK INTO log_entries (idx, kind, data, added_at, dedupe_key) VALUES ${Array(INSERT_ROWS).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    this.findKey = raw.prepare('SELECT idx FROM log_entries WHERE dedupe_key = ?').pluck();
    this.next = raw.prepare('SELECT next_idx FROM log_sequence WHERE id = 1').pluck();
    this.setNext = raw.prepare('UPDATE log_sequence SET next_idx = ? WHERE id = 1');
    this.range = raw.prepare('SELECT idx, kind, data, added_at FROM log_entries WHERE idx >= ? ORDER BY idx LIMIT ?');
    // SQLite answers length() of a blob from the record header, without reading the data.
    this.sizes = raw.prepare('SELECT idx, kind, length(data) AS bytes FROM log_entries WHERE idx >= ? ORDER BY idx LIMIT ?');
    this.tile = raw.prepare('SELECT data FROM log_tiles WHERE level = ? AND idx = ?').pluck();
    this.bundle = raw.prepare('SELECT data FROM log_bundles WHERE idx = ?').pluck();
    this.state = raw.prepare('SELECT size, root, checkpoint, updated_at FROM log_state WHERE id = 1');
    this.casState = raw.prepare('UPDATE log_state SET size = ?, root = ?, checkpoint = ?, updated_at = ? WHERE id = 1 AND size = ?');
    this.putTile = raw.prepare('INSERT INTO log_tiles (level, idx, data) VALUES (?, ?, ?) ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data');
    this.putBundle = raw.prepare('INSERT INTO log_bundles (idx, data) VALUES (?, ?) ON CONFLICT (idx) DO NOTHING');
  }

  override async sequence(entries: readonly NewEntry[], addedAt: string): Promise<number[]> {
    if (entries.length === 0) return [];
    const run = this.raw.transaction((): number[] => {
      let next = Number(this.next.get());
      const seen = new Map<string, number>();
      const out: number[] = [];
      // Rows are inserted INSERT_ROWS at a time (one call into SQLite each); keys already
      // taken earlier in this batch are in `seen`, so deferring the inserts changes nothing.
      let params: unknown[] = [];
      for (const e of entries) {
        if (e.key !== undefined) {
          const known = seen.get(e.key) ?? (this.findKey.get(e.key) as number | undefined);
          if (known !== undefined) {
            out.push(Number(known));
            continue;
          }
          seen.set(e.key, next);
        }
        params.push(next, e.kind, e.data, addedAt, e.key ?? null);
        if (params.length === INSERT_ROWS * 5) {
          this.insertMany.run(params);
          params = [];
        }
        out.push(next++);
      }
      for (let i = 0; i < params.length; i += 5) this.insert.run(params.slice(i, i + 5));
      this.setNext.run(next);
      return out;
    });
    return this.kdb.connection().execute(async () => run());
  }

  override async integrate(expectedSize: number, integration: Integration): Promise<boolean> {
    const { state, tiles, fullBundles } = integration;
    const run = this.raw.transaction((): boolean => {
      // Compare-and-swap on the size, then the tiles and bundles, all or nothing.
      if (this.casState.run(state.size, state.rootHash, state.checkpoint, state.updated_at, expectedSize).changes !== 1) return false;
      for (const t of tiles) this.putTile.run(t.level, t.index, t.data);
      for (const b of fullBundles) this.putBundle.run(b.index, b.data);
      return true;
    });
    return this.kdb.connection().execute(async () => run());
  }

  // Every proof and checkpoint read starts here: prepared once.
  override async readState(): Promise<LogState | undefined> {
    const row = (await this.kdb.connection().execute(async () => this.state.get())) as { size: number; root: Buffer; checkpoint: string; updated_at: string } | undefined;
    return row && { size: Number(row.size), rootHash: new Uint8Array(row.root), checkpoint: row.checkpoint, updated_at: row.updated_at };
  }

  // Proofs read a few tiles at once: one hop onto the connection for all of them.
  override async readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]> {
    const found = (await this.kdb.connection().execute(async () => tiles.map((t) => this.tile.get(t.level, t.index)))) as (Buffer | undefined)[];
    return found.map((data, i) => {
      const t = tiles[i]!;
      if (!data || data.length < t.width * 32) {
        throw new LedgerError('LOG_HASH_UNAVAILABLE', `tile ${t.level}/${t.index} (width ${t.width}) is not stored`);
      }
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    });
  }

  // Tile and bundle reads serve the public read API: prepared once, not per request.
  override async readTile(level: number, index: number): Promise<Uint8Array | undefined> {
    const data = (await this.kdb.connection().execute(async () => this.tile.get(level, index))) as Buffer | undefined;
    return data && new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  override async readFullBundle(index: number): Promise<Uint8Array | undefined> {
    const data = (await this.kdb.connection().execute(async () => this.bundle.get(index))) as Buffer | undefined;
    return data && new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  override async readEntries(from: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.kdb.connection().execute(async () => this.range.all(from, limit) as { idx: number; kind: string; data: Buffer; added_at: string }[]);
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), added_at: r.added_at }));
  }

  override async readEntrySizes(from: number, limit: number): Promise<EntrySize[]> {
    const rows = await this.kdb.connection().execute(async () => this.sizes.all(from, limit) as { idx: number; kind: string; bytes: number }[]);
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, bytes: Number(r.bytes) }));
  }
}
