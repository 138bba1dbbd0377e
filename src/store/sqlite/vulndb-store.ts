import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { StoredVulnRecord } from '../../advisory/vulndb.js';
import { SqlVulnDbStore } from '../sql/vulndb-store.js';

type Counts = { inserted: number; updated: number; unchanged: number };

/**
 * The vulnerability database on SQLite: imports and lookups on
 * better-sqlite3's prepared statements (an OSV import writes hundreds of
 * thousands of rows; a check looks up thousands of keys). They run while
 * holding Kysely's one connection, so they never interleave with another
 * query or transaction.
 */
export class SqliteVulnDbStore extends SqlVulnDbStore {
  private readonly modifiedOf: Database.Statement;
  private readonly deleteKeys: Database.Statement;
  private readonly deleteRecord: Database.Statement;
  private readonly insertRecord: Database.Statement;
  private readonly insertKey: Database.Statement;
  private readonly byKey: Database.Statement;
  private readonly bump: Database.Statement;
  private readonly upsertTx: Database.Transaction<(records: readonly StoredVulnRecord[]) => Counts>;

  constructor(
    private readonly kdb: Kysely<unknown>,
    raw: Database.Database,
  ) {
    super(kdb);
    this.modifiedOf = raw.prepare('SELECT modified FROM vuln_records WHERE id = ?').pluck();
    this.deleteKeys = raw.prepare('DELETE FROM vuln_keys WHERE record_id = ?');
    this.deleteRecord = raw.prepare('DELETE FROM vuln_records WHERE id = ?');
    this.insertRecord = raw.prepare('INSERT INTO vuln_records (id, source, modified, json) VALUES (?, ?, ?, ?)');
    this.insertKey = raw.prepare('INSERT OR IGNORE INTO vuln_keys (key, record_id) VALUES (?, ?)');
    this.bump = raw.prepare('UPDATE vuln_meta SET generation = generation + 1 WHERE id = 1');
    this.byKey = raw.prepare('SELECT r.id, r.json FROM vuln_keys k JOIN vuln_records r ON r.id = k.record_id WHERE k.key = ?').raw();
    this.upsertTx = raw.transaction((records: readonly StoredVulnRecord[]) => {
      const out: Counts = { inserted: 0, updated: 0, unchanged: 0 };
      for (const r of records) {
        const had = this.modifiedOf.get(r.id) as string | undefined;
        if (had !== undefined) {
          if (!(Date.parse(r.modified) > Date.parse(had))) {
            out.unchanged++;
            continue;
          }
          this.deleteKeys.run(r.id);
          this.deleteRecord.run(r.id);
          out.updated++;
        } else out.inserted++;
        this.insertRecord.run(r.id, r.source, r.modified, r.json);
        for (const k of r.keys) this.insertKey.run(k, r.id);
      }
      if (out.inserted + out.updated > 0) this.bump.run();
      return out;
    });
  }

  override async upsertVulnRecords(records: StoredVulnRecord[]): Promise<Counts> {
    if (records.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    // IMMEDIATE: take the write lock first, so another process's writer makes this wait (busy_timeout), not fail.
    return this.kdb.connection().execute(async () => this.upsertTx.immediate(records));
  }

  override async vulnRecordsForKeys(keys: readonly string[]): Promise<string[]> {
    return this.kdb.connection().execute(async () => {
      const seen = new Set<string>();
      const out: string[] = [];
      for (const key of new Set(keys)) {
        for (const [id, json] of this.byKey.all(key) as [string, string][]) {
          if (seen.has(id)) continue;
          seen.add(id);
          out.push(json);
        }
      }
      return out;
    });
  }
}
