import { createHash } from 'node:crypto';
import type { RegistryStore } from './ports.js';
import type { AuditEvent } from './types.js';

/** Registry events that are coalition decisions and public facts, and so go into the public log. */
export const LOGGED_EVENTS = new Set([
  'coalition.initialised',
  'org.created',
  'org.status_changed',
  'pledge.created',
  'pledge.endorsed',
  'pledge.withdrawn',
  'key.added',
  'key.revoked',
  'application.admitted',
  'application.rejected',
  'settings.voting_rule_changed',
]);

const CURSOR_KEY = 'ledger.audit_cursor';
const BATCH = 500;

/** The entry for one audit event: canonical JSON (sorted keys), so anyone can recompute it. */
export function registryEntry(e: AuditEvent): Uint8Array {
  const body = {
    type: 'accord.registry/v1',
    event: { id: e.id, at: e.at, type: e.type, subject_type: e.subject_type, subject_id: e.subject_id, actor_org_id: e.actor_org_id, reason: e.reason, data: e.data },
  };
  return new TextEncoder().encode(canonicalJson(body));
}

/** JSON with object keys sorted at every level (RFC 8785's ordering for ASCII keys). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/**
 * Feeds registry decisions into the ledger from the audit trail: the trail is
 * written in the decision's own transaction, so nothing is lost, and each event
 * is appended under the key `audit:<id>`, so replays after a crash log it once.
 */
export function registryLedgerFeed(store: RegistryStore, append: (kind: string, data: Uint8Array, key: string) => Promise<number>) {
  return async (): Promise<void> => {
    for (;;) {
      const cursor = (await store.getSetting<number>(CURSOR_KEY)) ?? 0;
      const events = await store.listAuditAfter(cursor, BATCH);
      if (events.length === 0) return;
      await Promise.all(events.filter((e) => LOGGED_EVENTS.has(e.type)).map((e) => append('registry', registryEntry(e), `audit:${e.id}`)));
      await store.putSetting(CURSOR_KEY, events[events.length - 1]!.id);
      if (events.length < BATCH) return;
    }
  };
}

/** The SHA-256 of an entry, hex: how readers look entries up. */
export function entryDigest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
