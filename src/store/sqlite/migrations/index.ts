import type { Migration } from '../../store.js';
import * as m0001 from './0001-registry.js';

/** SQLite migrations, in order. */
export const sqliteMigrations: readonly Migration[] = [m0001];
