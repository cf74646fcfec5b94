import type { Kysely, Migration } from 'kysely';

/**
 * Webhook endpoints and the delivery outbox: one `event_deliveries` row per (event, endpoint),
 * written in the same transaction as the event, so a committed change always has its deliveries
 * and a rolled-back one never does. `event_attempts` keeps each try for the API.
 */
export const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('enabled_events', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('disabled_reason', 'text')
      .addColumn('failing_since', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_endpoints_account').on('webhook_endpoints').columns(['account_id', 'id']).execute();

    await db.schema
      .createTable('event_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
      .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // The worker's query: due pending deliveries, oldest first.
    await db.schema.createIndex('event_deliveries_due').on('event_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('event_deliveries_endpoint').on('event_deliveries').columns(['endpoint_id', 'event_id']).execute();

    await db.schema
      .createTable('event_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('response_snippet', 'text')
      .addColumn('error', 'text')
      .addColumn('next_attempt_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('event_attempts_event').on('event_attempts').columns(['event_id', 'id']).execute();
    await db.schema.createIndex('events_account_type').on('events').columns(['account_id', 'type', 'id']).execute();
    await db.schema.createIndex('events_created').on('events').columns(['created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('events_created').execute();
    await db.schema.dropIndex('events_account_type').execute();
    for (const t of ['event_attempts', 'event_deliveries', 'webhook_endpoints']) await db.schema.dropTable(t).execute();
  },
};
