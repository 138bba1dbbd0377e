import { sql, type Kysely } from 'kysely';

export const name = '0006-notify';

/**
 * Outbound notifications: webhook subscriptions, the outbox of messages to
 * send and the log of delivery attempts.
 *
 * Timestamps are ISO-8601 UTC text with milliseconds (`Date#toISOString`),
 * so text order is time order. `org_id` and `subscription_id` carry no
 * foreign key: messages outlive a deleted subscription (they die when
 * claimed), and this migration stands on its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    // secret is SENSITIVE: the HMAC key webhooks are signed with, kept as given because signing needs it.
    sql`CREATE TABLE notify_subscriptions (
      id TEXT NOT NULL PRIMARY KEY,
      org_id TEXT NOT NULL,
      url TEXT NOT NULL,
      secret TEXT NOT NULL,
      event_types TEXT NOT NULL,
      active INTEGER NOT NULL CHECK (active IN (0, 1)),
      disabled_reason TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX notify_subscriptions_org ON notify_subscriptions(org_id, created_at, id)`,
    sql`CREATE TABLE notify_outbox (
      id TEXT NOT NULL PRIMARY KEY,
      channel TEXT NOT NULL CHECK (channel IN ('webhook','email')),
      subscription_id TEXT,
      event_type TEXT,
      body TEXT NOT NULL,
      dedupe_key TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL CHECK (status IN ('pending','delivered','dead')),
      attempts INTEGER NOT NULL,
      next_attempt_at TEXT NOT NULL,
      leased_by TEXT,
      lease_until TEXT,
      last_error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      delivered_at TEXT,
      CHECK ((channel = 'webhook') = (subscription_id IS NOT NULL AND event_type IS NOT NULL))
    ) STRICT`,
    // The claim's scan: pending rows in due order, no sort. Not a partial index: the claim binds
    // status as a parameter, which a partial index's WHERE cannot be proven to cover.
    sql`CREATE INDEX notify_outbox_due ON notify_outbox(status, next_attempt_at, id)`,
    sql`CREATE INDEX notify_outbox_status ON notify_outbox(status, created_at, id)`,
    // AUTOINCREMENT: ids never come back after pruning, so a paging cursor stays meaningful.
    sql`CREATE TABLE notify_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT NOT NULL,
      channel TEXT NOT NULL CHECK (channel IN ('webhook','email')),
      subscription_id TEXT,
      attempt INTEGER NOT NULL,
      attempted_at TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('delivered','retry','dead')),
      status_code INTEGER,
      response TEXT,
      error TEXT,
      duration_ms INTEGER NOT NULL,
      worker_id TEXT NOT NULL
    ) STRICT`,
    sql`CREATE INDEX notify_deliveries_message ON notify_deliveries(message_id, id)`,
    sql`CREATE INDEX notify_deliveries_subscription ON notify_deliveries(subscription_id, id) WHERE subscription_id IS NOT NULL`,
  ]) {
    await statement.execute(db);
  }
}
