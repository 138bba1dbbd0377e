import type { Events } from '../events.js';
import type { Clock } from './clock.js';
import type { RegistryStore } from './ports.js';

/** What every registry service is built from (by `context.ts`). */
export interface RegistryDeps {
  store: RegistryStore;
  clock: Clock;
  events: Events;
}
