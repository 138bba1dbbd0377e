import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { up } from '../../../src/store/sqlite/migrations/0006-notify.js';
import { SqlNotifyStore } from '../../../src/store/sql/notify-store.js';
import type { NotifyLog } from '../../../src/notify/notifier.js';
import type { Clock } from '../../../src/registry/clock.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start = Date.UTC(2024, 2, 5, 6, 7, 8, 9)) {
    this.ms = start;
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Log lines kept in memory, so a test can assert on what was said. */
export class MemoryLog implements NotifyLog {
  readonly lines: { level: 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg: string }[] = [];
  info(obj: object, msg = ''): void {
    this.lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }
  warn(obj: object, msg = ''): void {
    this.lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
  }
  error(obj: object, msg = ''): void {
    this.lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
  }
}

/** A notify store on a fresh in-memory SQLite database with migration 0006 applied. */
export async function sqliteNotifyStore(): Promise<{ store: SqlNotifyStore; close: () => Promise<void> }> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await up(db);
  return { store: new SqlNotifyStore(db, 'sqlite'), close: () => db.destroy() };
}

/** No jitter: retries land exactly on the schedule. */
export const NO_JITTER = () => 0.5;
