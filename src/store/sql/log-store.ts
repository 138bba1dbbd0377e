import { sql, type Kysely } from 'kysely';
import type { EntrySize, Integration, LogState, LogStore, NewEntry, StoredEntry } from '../../ledger/log-store.js';
import { encodeEntryBundle } from '../../ledger/entry-bundle.js';
import { LedgerError } from '../../ledger/errors.js';
import { TILE_WIDTH, type EntryBundleId, type TileId } from '../../ledger/tile-path.js';
import type { DB } from './schema.js';
import type { StoreCapabilities } from './capabilities.js';

/** Rows per multi-row INSERT: well under SQLite's 32,766 bound variables and PostgreSQL's 65,535. */
const INSERT_CHUNK = 1000;

/** The log port over Kysely, shared by both backends (the SQL means the same on each). */
export class SqlLogStore implements LogStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly caps: StoreCapabilities,
  ) {}

  async sequence(entries: readonly NewEntry[], addedAt: string): Promise<number[]> {
    if (entries.length === 0) return [];
    return this.db.transaction().execute(async (tx) => {
      // The row lock held until commit serialises writers (PostgreSQL) and a rollback
      // gives the indexes back, so indexes are consecutive with no gaps. Take it first,
      // so the duplicate-key check below cannot race another writer.
      // (SQLite has one writer at a time and no FOR UPDATE; its transaction already excludes others.)
      const seqQuery = tx.selectFrom('log_sequence').select('next_idx').where('id', '=', 1);
      const seq = await (this.caps.multipleWriters ? seqQuery.forUpdate() : seqQuery).executeTakeFirstOrThrow();
      const keys = [...new Set(entries.flatMap((e) => (e.key === undefined ? [] : [e.key])))];
      const existing = new Map<string, number>();
      for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
        const rows = await tx.selectFrom('log_entries').select(['dedupe_key', 'idx']).where('dedupe_key', 'in', keys.slice(i, i + INSERT_CHUNK)).execute();
        for (const r of rows) existing.set(r.dedupe_key!, Number(r.idx));
      }
      let next = Number(seq.next_idx);
      const indexes: number[] = [];
      const rows: DB['log_entries'][] = [];
      for (const e of entries) {
        const known = e.key === undefined ? undefined : existing.get(e.key);
        if (known !== undefined) {
          indexes.push(known);
          continue;
        }
        if (e.key !== undefined) existing.set(e.key, next);
        indexes.push(next);
        rows.push({ idx: next, kind: e.kind, data: e.data, added_at: addedAt, dedupe_key: e.key ?? null });
        next++;
      }
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx.insertInto('log_entries').values(rows.slice(i, i + INSERT_CHUNK)).execute();
      }
      if (rows.length > 0) await tx.updateTable('log_sequence').set({ next_idx: next }).where('id', '=', 1).execute();
      return indexes;
    });
  }

  async sequencedSize(): Promise<number> {
    const row = await this.db.selectFrom('log_sequence').select('next_idx').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.next_idx);
  }

  async readEntries(from: number, limit: number): Promise<StoredEntry[]> {
    const rows = await this.db.selectFrom('log_entries').selectAll().where('idx', '>=', from).orderBy('idx').limit(limit).execute();
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, data: new Uint8Array(r.data), added_at: r.added_at }));
  }

  async readEntrySizes(from: number, limit: number): Promise<EntrySize[]> {
    // length() of a blob (SQLite) or bytea (PostgreSQL) is its size in bytes, read without the data.
    const rows = await this.db
      .selectFrom('log_entries')
      .select(['idx', 'kind', sql<number>`length(data)`.as('bytes')])
      .where('idx', '>=', from)
      .orderBy('idx')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, bytes: Number(r.bytes) }));
  }

  async readState(): Promise<LogState | undefined> {
    const row = await this.db.selectFrom('log_state').selectAll().where('id', '=', 1).executeTakeFirst();
    return row && { size: Number(row.size), rootHash: new Uint8Array(row.root), checkpoint: row.checkpoint, updated_at: row.updated_at };
  }

  async initState(state: LogState): Promise<LogState> {
    await this.db
      .insertInto('log_state')
      .values({ id: 1, size: state.size, root: state.rootHash, checkpoint: state.checkpoint, updated_at: state.updated_at, lease_owner: null, lease_until: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return (await this.readState())!;
  }

  async integrate(expectedSize: number, integration: Integration): Promise<boolean> {
    const { state, tiles, fullBundles } = integration;
    return this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('log_state')
        .set({ size: state.size, root: state.rootHash, checkpoint: state.checkpoint, updated_at: state.updated_at })
        .where('id', '=', 1)
        .where('size', '=', expectedSize)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      for (let i = 0; i < tiles.length; i += INSERT_CHUNK) {
        await tx
          .insertInto('log_tiles')
          .values(tiles.slice(i, i + INSERT_CHUNK).map((t) => ({ level: t.level, idx: t.index, data: t.data })))
          // A tile only grows: the wider version replaces the narrower (it begins with the same hashes).
          .onConflict((oc) => oc.columns(['level', 'idx']).doUpdateSet((eb) => ({ data: eb.ref('excluded.data') })))
          .execute();
      }
      for (let i = 0; i < fullBundles.length; i += INSERT_CHUNK) {
        await tx
          .insertInto('log_bundles')
          .values(fullBundles.slice(i, i + INSERT_CHUNK).map((b) => ({ idx: b.index, data: b.data })))
          .onConflict((oc) => oc.column('idx').doNothing())
          .execute();
      }
      return true;
    });
  }

  async updateCheckpoint(size: number, checkpoint: string): Promise<boolean> {
    const r = await this.db.updateTable('log_state').set({ checkpoint }).where('id', '=', 1).where('size', '=', size).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async readTile(level: number, index: number): Promise<Uint8Array | undefined> {
    const row = await this.db.selectFrom('log_tiles').select('data').where('level', '=', level).where('idx', '=', index).executeTakeFirst();
    return row && new Uint8Array(row.data);
  }

  async readFullBundle(index: number): Promise<Uint8Array | undefined> {
    const row = await this.db.selectFrom('log_bundles').select('data').where('idx', '=', index).executeTakeFirst();
    return row && new Uint8Array(row.data);
  }

  async readTiles(tiles: readonly TileId[]): Promise<readonly Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const t of tiles) {
      const data = await this.readTile(t.level, t.index);
      if (!data || data.length < t.width * 32) {
        throw new LedgerError('LOG_HASH_UNAVAILABLE', `tile ${t.level}/${t.index} (width ${t.width}) is not stored`);
      }
      out.push(data);
    }
    return out;
  }

  async readEntryBundles(bundles: readonly EntryBundleId[]): Promise<readonly Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const b of bundles) {
      const full = b.width === TILE_WIDTH ? await this.readFullBundle(b.index) : undefined;
      if (full) {
        out.push(full);
        continue;
      }
      // A partial bundle is built from the entries themselves.
      const entries = await this.readEntries(b.index * TILE_WIDTH, b.width);
      if (entries.length < b.width) throw new LedgerError('LOG_HASH_UNAVAILABLE', `entries of bundle ${b.index} are not stored`);
      out.push(encodeEntryBundle(entries.map((e) => e.data)));
    }
    return out;
  }

  async releaseLease(owner: string): Promise<void> {
    await this.db.updateTable('log_state').set({ lease_owner: null, lease_until: null }).where('id', '=', 1).where('lease_owner', '=', owner).execute();
  }

  async acquireLease(owner: string, now: string, until: string): Promise<boolean> {
    const r = await this.db
      .updateTable('log_state')
      .set({ lease_owner: owner, lease_until: until })
      .where('id', '=', 1)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
