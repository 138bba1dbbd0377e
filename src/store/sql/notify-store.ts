import { randomUUID } from 'node:crypto';
import { sql, type ColumnType, type Kysely, type Selectable } from 'kysely';
import { NotifyError } from '../../notify/errors.js';
import type {
  AttemptReport,
  ClaimedMessage,
  DeliveryOutcomeKind,
  DeliveryQuery,
  DeliveryRecord,
  EnqueueResult,
  EventTypeFilter,
  FailedAttemptReport,
  NewOutboxMessage,
  NewWebhookSubscription,
  NotifyStore,
  OutboxMessageSummary,
  OutboxStatus,
  Page,
  WebhookSubscription,
  WebhookSubscriptionPatch,
  WebhookSubscriptionWithSecret,
} from '../../notify/ports.js';
import { truncateUtf8 } from '../../notify/text.js';

/**
 * The notify tables as this store reads and writes them. Instants are ISO text
 * on SQLite and TIMESTAMPTZ on PostgreSQL: written as ISO strings, read back
 * as whatever the driver gives (a Date from a plain pg pool, a string from
 * Accord's) and normalised by `iso()`.
 */
export interface NotifyTables {
  notify_subscriptions: {
    id: string;
    org_id: string;
    url: string;
    secret: string;
    event_types: string;
    active: number;
    disabled_reason: string | null;
    created_at: string;
    updated_at: string;
  };
  notify_outbox: {
    id: string;
    channel: 'webhook' | 'email';
    subscription_id: string | null;
    event_type: string | null;
    body: string;
    dedupe_key: string;
    status: OutboxStatus;
    attempts: number;
    next_attempt_at: string;
    leased_by: string | null;
    lease_until: string | null;
    last_error: string | null;
    created_at: string;
    updated_at: string;
    delivered_at: string | null;
  };
  notify_deliveries: {
    id: GeneratedId;
    message_id: string;
    channel: 'webhook' | 'email';
    subscription_id: string | null;
    attempt: number;
    attempted_at: string;
    outcome: DeliveryOutcomeKind;
    status_code: number | null;
    response: string | null;
    error: string | null;
    duration_ms: number;
    worker_id: string;
  };
}

/** An id the database assigns: absent on insert, a number (or int8 text) on select. */
type GeneratedId = ColumnType<number | string, never, never>;

/** What differs between the backends for this store, declared once. */
interface NotifyCapabilities {
  /** Claims lock the rows they take and skip rows another claimer holds (FOR UPDATE SKIP LOCKED). */
  skipLocked: boolean;
}

const CAPABILITIES: Record<'sqlite' | 'postgres', NotifyCapabilities> = {
  // One writer at a time: the claim is a single UPDATE statement, its own transaction, so nothing
  // interleaves between picking the rows and leasing them.
  sqlite: { skipLocked: false },
  postgres: { skipLocked: true },
};

const OUTBOX_COLUMNS = [
  'id',
  'channel',
  'subscription_id',
  'event_type',
  'body',
  'dedupe_key',
  'status',
  'attempts',
  'next_attempt_at',
  'leased_by',
  'lease_until',
  'last_error',
  'created_at',
  'updated_at',
  'delivered_at',
] as const;

/** Columns of a subscription as listed: the secret itself never leaves the database on these paths. */
const SUBSCRIPTION_COLUMNS = ['id', 'org_id', 'url', 'event_types', 'active', 'disabled_reason', 'created_at', 'updated_at'] as const;
/** The secret's last four characters (nothing for a secret that short); same SQL on both backends. */
const SECRET_HINT = sql<string>`CASE WHEN length(secret) > 4 THEN substr(secret, length(secret) - 3) ELSE '' END`;

/** The notify port over Kysely, for SQLite and PostgreSQL. */
export class SqlNotifyStore implements NotifyStore {
  private readonly db: Kysely<NotifyTables>;
  private readonly caps: NotifyCapabilities;

  // any: the caller's Kysely is typed with its own schema (schema.ts), which need not list these tables.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>, dialect: 'sqlite' | 'postgres') {
    this.db = db as Kysely<NotifyTables>;
    this.caps = CAPABILITIES[dialect];
  }

  async createSubscription(s: NewWebhookSubscription): Promise<WebhookSubscription> {
    const created = s.created_at.toISOString();
    await this.db
      .insertInto('notify_subscriptions')
      .values({
        id: s.id,
        org_id: s.org_id,
        url: s.url,
        secret: s.secret,
        event_types: JSON.stringify(s.event_types),
        active: s.active ? 1 : 0,
        disabled_reason: null,
        created_at: created,
        updated_at: created,
      })
      .execute();
    return (await this.getSubscription(s.id))!;
  }

  async getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    const row = await this.db.selectFrom('notify_subscriptions').select(SUBSCRIPTION_COLUMNS).select(SECRET_HINT.as('secret_hint')).where('id', '=', id).executeTakeFirst();
    return row && toSubscription(row);
  }

  async getSubscriptionWithSecret(id: string): Promise<WebhookSubscriptionWithSecret | undefined> {
    const row = await this.db
      .selectFrom('notify_subscriptions')
      .select(SUBSCRIPTION_COLUMNS)
      .select(['secret', SECRET_HINT.as('secret_hint')])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { ...toSubscription(row), secret: row.secret };
  }

  async listSubscriptions(q: { org_id?: string; active?: boolean; limit: number; after?: string | null }): Promise<WebhookSubscription[]> {
    let query = this.db.selectFrom('notify_subscriptions as s').select(SUBSCRIPTION_COLUMNS.map((c) => `s.${c}` as const)).select(SECRET_HINT.as('secret_hint'));
    if (q.org_id !== undefined) query = query.where('s.org_id', '=', q.org_id);
    if (q.active !== undefined) query = query.where('s.active', '=', q.active ? 1 : 0);
    if (q.after != null) {
      const after = await this.db.selectFrom('notify_subscriptions').select(['created_at', 'id']).where('id', '=', q.after).executeTakeFirst();
      if (after === undefined) throw new NotifyError('NOTIFY_CURSOR_INVALID', 'The subscription to list after does not exist.');
      const afterAt = iso(after.created_at);
      query = query.where((eb) => eb.or([eb('s.created_at', '>', afterAt), eb.and([eb('s.created_at', '=', afterAt), eb('s.id', '>', after.id)])]));
    }
    const rows = await query.orderBy('s.created_at').orderBy('s.id').limit(q.limit).execute();
    return rows.map(toSubscription);
  }

  async updateSubscription(id: string, patch: WebhookSubscriptionPatch): Promise<WebhookSubscription | undefined> {
    const set: Partial<NotifyTables['notify_subscriptions']> = { updated_at: patch.updated_at.toISOString() };
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.event_types !== undefined) set.event_types = JSON.stringify(patch.event_types);
    if (patch.active !== undefined) {
      set.active = patch.active ? 1 : 0;
      // switching a subscription on forgets why it was switched off
      if (patch.active) set.disabled_reason = null;
    }
    if (patch.disabled_reason !== undefined) set.disabled_reason = patch.disabled_reason;
    const r = await this.db.updateTable('notify_subscriptions').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return this.getSubscription(id);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('notify_subscriptions').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async enqueue(message: NewOutboxMessage): Promise<EnqueueResult> {
    const created = message.created_at.toISOString();
    const due = (message.not_before !== undefined && message.not_before > message.created_at ? message.not_before : message.created_at).toISOString();
    const id = randomUUID();
    const common = {
      id,
      dedupe_key: message.dedupe_key,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: due,
      leased_by: null,
      lease_until: null,
      last_error: null,
      created_at: created,
      updated_at: created,
      delivered_at: null,
    };
    const row =
      message.channel === 'webhook'
        ? { ...common, channel: 'webhook' as const, subscription_id: message.subscription_id, event_type: message.event_type, body: payloadText(message.payload) }
        : {
            ...common,
            channel: 'email' as const,
            subscription_id: null,
            event_type: null,
            body: JSON.stringify({ to: message.to, subject: message.subject, text: message.text, html: message.html ?? null }),
          };
    const inserted = await this.db
      .insertInto('notify_outbox')
      .values(row)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted !== undefined) return { id: inserted.id, enqueued: true };
    const existing = await this.db.selectFrom('notify_outbox').select('id').where('dedupe_key', '=', message.dedupe_key).executeTakeFirstOrThrow();
    return { id: existing.id, enqueued: false };
  }

  async claimDue(now: Date, limit: number, workerId: string, leaseMs: number, options: { channels?: readonly ('webhook' | 'email')[] } = {}): Promise<ClaimedMessage[]> {
    if (limit <= 0 || options.channels?.length === 0) return [];
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    let due = this.db
      .selectFrom('notify_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]));
    if (options.channels !== undefined) due = due.where('channel', 'in', [...options.channels]);
    due = due.orderBy('next_attempt_at').orderBy('id').limit(limit);
    // PostgreSQL: rows another node is claiming right now are locked; skip them rather than wait.
    if (this.caps.skipLocked) due = due.forUpdate().skipLocked();
    // A MATERIALIZED CTE picks the rows once. As `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`
    // PostgreSQL may run the subquery again for later rows and claim more than `limit` (the contract caught it).
    const rows = await this.db
      .with((cte) => cte('due').materialized(), () => due)
      .updateTable('notify_outbox')
      .from('due')
      .set((eb) => ({ attempts: eb('notify_outbox.attempts', '+', 1), leased_by: workerId, lease_until: until, updated_at: at }))
      .whereRef('notify_outbox.id', '=', 'due.id')
      // the same conditions again, checked against the row version being updated
      .where('notify_outbox.status', '=', 'pending')
      .where((eb) => eb.or([eb('notify_outbox.lease_until', 'is', null), eb('notify_outbox.lease_until', '<=', at)]))
      // named columns: SQLite refuses `notify_outbox.*` in RETURNING, and a bare `*` would add due's columns on PostgreSQL
      .returning(OUTBOX_COLUMNS.map((c) => `notify_outbox.${c}` as const))
      .execute();
    return rows
      .map(toClaimed)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
      .map((c) => c.message);
  }

  async markDelivered(id: string, report: AttemptReport): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const message = await tx.selectFrom('notify_outbox').select(['channel', 'subscription_id']).where('id', '=', id).executeTakeFirst();
      if (message === undefined) return false;
      await tx.insertInto('notify_deliveries').values(deliveryRow(id, message, report, 'delivered', null)).execute();
      const done = finishedAt(report);
      const r = await tx
        .updateTable('notify_outbox')
        .set({ status: 'delivered', leased_by: null, lease_until: null, last_error: null, delivered_at: done, updated_at: done })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    });
  }

  async markFailed(id: string, report: FailedAttemptReport, nextAttemptAt: Date | null): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const message = await tx.selectFrom('notify_outbox').select(['channel', 'subscription_id']).where('id', '=', id).executeTakeFirst();
      if (message === undefined) return false;
      const error = truncateUtf8(report.error);
      await tx.insertInto('notify_deliveries').values(deliveryRow(id, message, report, nextAttemptAt === null ? 'dead' : 'retry', error)).execute();
      const r = await tx
        .updateTable('notify_outbox')
        .set({
          status: nextAttemptAt === null ? 'dead' : 'pending',
          ...(nextAttemptAt === null ? {} : { next_attempt_at: nextAttemptAt.toISOString() }),
          leased_by: null,
          lease_until: null,
          last_error: error,
          updated_at: finishedAt(report),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        // only the holder of this attempt's lease moves the message on
        .where('leased_by', '=', report.worker_id)
        .where('attempts', '=', report.attempt)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    });
  }

  async requeue(id: string, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const r = await this.db
      .updateTable('notify_outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: at, leased_by: null, lease_until: null, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listDeliveries(q: DeliveryQuery): Promise<Page<DeliveryRecord>> {
    let query = this.db.selectFrom('notify_deliveries').selectAll();
    if (q.subscriptionId !== undefined) query = query.where('subscription_id', '=', q.subscriptionId);
    if (q.messageId !== undefined) query = query.where('message_id', '=', q.messageId);
    if (q.cursor != null) query = query.where('id', '<', parseCursor(q.cursor));
    const limit = Math.max(1, Math.floor(q.limit));
    const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit).map(toDelivery);
    return { rows: page, next_cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
  }

  async listOutbox(q: { status?: OutboxStatus; limit: number }): Promise<OutboxMessageSummary[]> {
    let query = this.db
      .selectFrom('notify_outbox')
      .select([
        'id',
        'channel',
        'subscription_id',
        'event_type',
        'dedupe_key',
        'status',
        'attempts',
        'next_attempt_at',
        'leased_by',
        'lease_until',
        'last_error',
        'created_at',
        'updated_at',
        'delivered_at',
      ]);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      ...r,
      attempts: Number(r.attempts),
      next_attempt_at: iso(r.next_attempt_at),
      lease_until: isoOrNull(r.lease_until),
      created_at: iso(r.created_at),
      updated_at: iso(r.updated_at),
      delivered_at: isoOrNull(r.delivered_at),
    }));
  }

  async pruneOutbox(before: Date): Promise<number> {
    const cutoff = before.toISOString();
    return this.db.transaction().execute(async (tx) => {
      const finished = tx.selectFrom('notify_outbox').select('id').where('status', 'in', ['delivered', 'dead']).where('updated_at', '<', cutoff);
      await tx.deleteFrom('notify_deliveries').where('message_id', 'in', finished).execute();
      const r = await tx.deleteFrom('notify_outbox').where('status', 'in', ['delivered', 'dead']).where('updated_at', '<', cutoff).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
}

/** A timestamp as the driver returned it (Date, or ISO / PostgreSQL text) as an ISO string. */
function iso(v: unknown): string {
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}

function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v);
}

function payloadText(payload: unknown): string {
  const text = JSON.stringify(payload);
  if (text === undefined) throw new NotifyError('NOTIFY_MESSAGE_INVALID', 'A webhook payload must be a JSON value.');
  return text;
}

function parseCursor(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw new NotifyError('NOTIFY_CURSOR_INVALID', 'The delivery cursor is not one this server handed out.');
  return Number(cursor);
}

function finishedAt(report: AttemptReport): string {
  return new Date(report.attempted_at.getTime() + Math.max(0, Math.round(report.duration_ms))).toISOString();
}

function deliveryRow(
  messageId: string,
  message: { channel: 'webhook' | 'email'; subscription_id: string | null },
  report: AttemptReport,
  outcome: DeliveryOutcomeKind,
  error: string | null,
) {
  return {
    message_id: messageId,
    channel: message.channel,
    subscription_id: message.subscription_id,
    attempt: report.attempt,
    attempted_at: report.attempted_at.toISOString(),
    outcome,
    status_code: report.status_code ?? null,
    response: report.response == null ? null : truncateUtf8(report.response),
    error,
    duration_ms: Math.max(0, Math.round(report.duration_ms)),
    worker_id: report.worker_id,
  };
}

type SubscriptionRow = Pick<Selectable<NotifyTables['notify_subscriptions']>, (typeof SUBSCRIPTION_COLUMNS)[number]> & { secret_hint: string };

function toSubscription(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id,
    org_id: r.org_id,
    url: r.url,
    event_types: JSON.parse(r.event_types) as EventTypeFilter,
    active: Number(r.active) === 1,
    secret_hint: r.secret_hint,
    disabled_reason: r.disabled_reason,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function toClaimed(r: Selectable<NotifyTables['notify_outbox']>): { sortKey: string; message: ClaimedMessage } {
  const base = { id: r.id, dedupe_key: r.dedupe_key, attempt: Number(r.attempts), created_at: iso(r.created_at), lease_until: iso(r.lease_until) };
  const sortKey = `${iso(r.next_attempt_at)} ${r.id}`;
  if (r.channel === 'webhook') {
    return { sortKey, message: { ...base, channel: 'webhook', subscription_id: r.subscription_id!, event_type: r.event_type!, payload_json: r.body } };
  }
  const body = JSON.parse(r.body) as { to: string[]; subject: string; text: string; html: string | null };
  return { sortKey, message: { ...base, channel: 'email', to: body.to, subject: body.subject, text: body.text, html: body.html } };
}

function toDelivery(r: Selectable<NotifyTables['notify_deliveries']>): DeliveryRecord {
  return {
    id: Number(r.id),
    message_id: r.message_id,
    channel: r.channel,
    subscription_id: r.subscription_id,
    attempt: Number(r.attempt),
    attempted_at: iso(r.attempted_at),
    outcome: r.outcome,
    status_code: r.status_code === null ? null : Number(r.status_code),
    response: r.response,
    error: r.error,
    duration_ms: Number(r.duration_ms),
    worker_id: r.worker_id,
  };
}
