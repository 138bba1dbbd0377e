import type { Migration } from '../../store.js';
import * as m0001 from './0001-registry.js';
import * as m0002 from './0002-log.js';
import * as m0003 from './0003-release-index.js';
import * as m0004 from './0004-intel.js';
import * as m0005 from './0005-disclosure.js';
import * as m0006 from './0006-notify.js';
import * as m0007 from './0007-vulndb.js';
import * as m0008 from './0008-release-key-namespaces.js';
import * as m0009 from './0009-intel-feed-cursor.js';
import * as m0010 from './0010-intel-id-key.js';

/** PostgreSQL migrations, in order. */
export const postgresMigrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010];
