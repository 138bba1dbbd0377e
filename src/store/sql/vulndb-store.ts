import { sql, type Kysely } from 'kysely';
import type { StoredVulnRecord, VulnDbStore } from '../../advisory/vulndb.js';

interface VulnDB {
  vuln_records: { id: string; source: string; modified: string; json: string };
  vuln_keys: { key: string; record_id: string };
  vuln_meta: { id: number; generation: number };
}

/** Keys per IN list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/** The vulnerability database on either backend. */
export class SqlVulnDbStore implements VulnDbStore {
  private readonly db: Kysely<VulnDB>;

  constructor(db: Kysely<unknown>) {
    this.db = db as unknown as Kysely<VulnDB>;
  }

  async upsertVulnRecords(records: StoredVulnRecord[]): Promise<{ inserted: number; updated: number; unchanged: number }> {
    const out = { inserted: 0, updated: 0, unchanged: 0 };
    if (records.length === 0) return out;
    await this.db.transaction().execute(async (tx) => {
      const existing = new Map<string, string>();
      const ids = [...new Set(records.map((r) => r.id))];
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const row of await tx.selectFrom('vuln_records').select(['id', 'modified']).where('id', 'in', ids.slice(i, i + CHUNK)).execute()) existing.set(row.id, row.modified);
      }
      // The last of duplicates in one batch wins, like a sequence of single upserts.
      const latest = new Map<string, StoredVulnRecord>();
      for (const r of records) latest.set(r.id, r);
      const fresh: StoredVulnRecord[] = [];
      const changed: StoredVulnRecord[] = [];
      for (const r of latest.values()) {
        const had = existing.get(r.id);
        if (had === undefined) fresh.push(r);
        else if (Date.parse(r.modified) > Date.parse(had)) changed.push(r);
        else out.unchanged++;
      }
      for (let i = 0; i < changed.length; i += CHUNK) {
        const part = changed.slice(i, i + CHUNK).map((r) => r.id);
        await tx.deleteFrom('vuln_keys').where('record_id', 'in', part).execute();
        await tx.deleteFrom('vuln_records').where('id', 'in', part).execute();
      }
      const all = [...fresh, ...changed];
      for (let i = 0; i < all.length; i += 200) {
        const part = all.slice(i, i + 200);
        await tx.insertInto('vuln_records').values(part.map((r) => ({ id: r.id, source: r.source, modified: r.modified, json: r.json }))).execute();
        const keys = part.flatMap((r) => [...new Set(r.keys)].map((key) => ({ key, record_id: r.id })));
        for (let j = 0; j < keys.length; j += 400) await tx.insertInto('vuln_keys').values(keys.slice(j, j + 400)).execute();
      }
      out.inserted += fresh.length;
      out.updated += changed.length;
      if (all.length > 0) await tx.updateTable('vuln_meta').set({ generation: sql`generation + 1` }).where('id', '=', 1).execute();
    });
    return out;
  }

  async vulnRecordsForKeys(keys: readonly string[]): Promise<string[]> {
    const seen = new Set<string>();
    const out: string[] = [];
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('vuln_keys as k')
        .innerJoin('vuln_records as r', 'r.id', 'k.record_id')
        .select(['r.id', 'r.json'])
        .where('k.key', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        out.push(r.json);
      }
    }
    return out;
  }

  async vulnGeneration(): Promise<number> {
    const r = await this.db.selectFrom('vuln_meta').select('generation').where('id', '=', 1).executeTakeFirst();
    return Number(r?.generation ?? 0);
  }

  async analyzeVulnRecords(): Promise<void> {
    await sql`ANALYZE vuln_keys`.execute(this.db);
    await sql`ANALYZE vuln_records`.execute(this.db);
  }

  async countVulnRecords(): Promise<{ osv: number; accord: number }> {
    const rows = await this.db.selectFrom('vuln_records').select((eb) => ['source', eb.fn.countAll<number>().as('n')]).groupBy('source').execute();
    const by = Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
    return { osv: by.osv ?? 0, accord: by.accord ?? 0 };
  }
}
