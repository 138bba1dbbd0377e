import type { Kysely } from 'kysely';
import type { ReleaseIndexRow, ReleaseIndexStore } from '../../release/index-store.js';
import type { DB } from './schema.js';

const POSITION = 'release-index';

/** The release index over Kysely, shared by both backends. */
export class SqlReleaseIndexStore implements ReleaseIndexStore {
  constructor(private readonly db: Kysely<DB>) {}

  async index(rows: readonly ReleaseIndexRow[], position: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const subjects = rows.flatMap((r) => r.sha256s.map((sha256) => ({ sha256, log_index: r.index })));
      const purls = rows.flatMap((r) => r.purls.map((p) => ({ purl: p.purl, package: p.pkg, log_index: r.index })));
      for (let i = 0; i < subjects.length; i += 500) {
        await tx.insertInto('release_subjects').values(subjects.slice(i, i + 500)).onConflict((oc) => oc.doNothing()).execute();
      }
      for (let i = 0; i < purls.length; i += 500) {
        await tx.insertInto('release_purls').values(purls.slice(i, i + 500)).onConflict((oc) => oc.doNothing()).execute();
      }
      await tx
        .insertInto('index_positions')
        .values({ name: POSITION, position })
        .onConflict((oc) => oc.column('name').doUpdateSet({ position }))
        .execute();
    });
  }

  async position(): Promise<number> {
    const row = await this.db.selectFrom('index_positions').select('position').where('name', '=', POSITION).executeTakeFirst();
    return row ? Number(row.position) : 0;
  }

  async search(q: { sha256?: string; purl?: string; pkg?: string; before?: number; limit: number }): Promise<number[]> {
    // Each criterion narrows by an indexed lookup; all must hold.
    let query = this.db.selectFrom('release_subjects as s').select('s.log_index').distinct();
    if (q.sha256 === undefined) {
      let p = this.db.selectFrom('release_purls').select('log_index').distinct();
      if (q.purl !== undefined) p = p.where('purl', '=', q.purl);
      if (q.pkg !== undefined) p = p.where('package', '=', q.pkg);
      if (q.before !== undefined) p = p.where('log_index', '<', q.before);
      const rows = await p.orderBy('log_index', 'desc').limit(q.limit).execute();
      return rows.map((r) => Number(r.log_index));
    }
    query = query.where('s.sha256', '=', q.sha256);
    if (q.purl !== undefined) query = query.where('s.log_index', 'in', (eb) => eb.selectFrom('release_purls').select('log_index').where('purl', '=', q.purl!));
    if (q.pkg !== undefined) query = query.where('s.log_index', 'in', (eb) => eb.selectFrom('release_purls').select('log_index').where('package', '=', q.pkg!));
    if (q.before !== undefined) query = query.where('s.log_index', '<', q.before);
    const rows = await query.orderBy('s.log_index', 'desc').limit(q.limit).execute();
    return rows.map((r) => Number(r.log_index));
  }
}
