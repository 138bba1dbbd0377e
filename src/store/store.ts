import type { Kysely } from 'kysely';
import type { RegistryStore } from '../registry/ports.js';
import type { LogStore } from '../ledger/log-store.js';
import type { ReleaseIndexStore } from '../release/index-store.js';
import type { IntelStore } from '../intel/ports.js';
import type { DisclosureStore } from '../disclosure/ports.js';
import type { NotifyStore } from '../notify/ports.js';
import type { VulnDbStore } from '../advisory/vulndb.js';
import type { StoreCapabilities } from './sql/capabilities.js';

/** Everything the services need from a database, one port per domain. */
export interface Store {
  readonly capabilities: StoreCapabilities;
  readonly registry: RegistryStore;
  readonly log: LogStore;
  readonly releases: ReleaseIndexStore;
  readonly intel: IntelStore;
  readonly disclosure: DisclosureStore;
  readonly notify: NotifyStore;
  readonly vulndb: VulnDbStore;
  /** Throws if the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A numbered migration of one backend. */
export interface Migration {
  /** `0001-registry`: the number orders them; never renumber or edit a released one. */
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}
