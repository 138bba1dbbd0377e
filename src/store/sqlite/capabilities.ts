import type { StoreCapabilities } from '../sql/capabilities.js';

/** SQLite: one writer at a time, RETURNING available. */
export const sqliteCapabilities: StoreCapabilities = {
  name: 'sqlite',
  multipleWriters: false,
  returning: true,
  uniqueViolation(err) {
    const e = err as { code?: unknown; message?: unknown };
    if (e && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
      return String(e.message).replace(/^UNIQUE constraint failed: /, '');
    }
    return null;
  },
};
