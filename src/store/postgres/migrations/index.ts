import type { Migration } from '../../store.js';
import * as m0001 from './0001-registry.js';

/** PostgreSQL migrations, in order. */
export const postgresMigrations: readonly Migration[] = [m0001];
