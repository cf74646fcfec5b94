import { type Kysely, type Migration, SqliteAdapter, sql } from 'kysely';

/**
 * Status callbacks ride the webhook outbox: a call's `status_callback_url` becomes a per-call
 * subscription (a delivery target like a webhook endpoint, tied to the call and hidden from the
 * endpoints API), and each wanted status event gets an `event_deliveries` row for it in the event's
 * transaction. A delivery's `endpoint_id` therefore names either a webhook endpoint or a subscription,
 * so its foreign key to `webhook_endpoints` goes (deleting an endpoint already deletes its deliveries
 * itself, in webhook-endpoints/routes.ts and the account deletion).
 */
export const callStatusSubscriptions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('call_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      // JSON array of event types (`call.initiated`, ...).
      .addColumn('events', 'text', (c) => c.notNull())
      // The voice signing secret of the call's number when it was created, sealed; null: sent unsigned.
      .addColumn('secret_sealed', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('call_subscriptions_call').on('call_subscriptions').columns(['call_id']).execute();
    await db.schema.createIndex('call_subscriptions_account').on('call_subscriptions').columns(['account_id']).execute();
    if (db.getExecutor().adapter instanceof SqliteAdapter) await rebuildSqlite(db, false);
    else await sql`alter table event_deliveries drop constraint if exists event_deliveries_endpoint_id_fkey`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`delete from event_deliveries where endpoint_id in (select id from call_subscriptions)`.execute(db);
    if (db.getExecutor().adapter instanceof SqliteAdapter) await rebuildSqlite(db, true);
    else
      await sql`alter table event_deliveries add constraint event_deliveries_endpoint_id_fkey foreign key (endpoint_id) references webhook_endpoints (id) on delete cascade`.execute(
        db,
      );
    await db.schema.dropTable('call_subscriptions').execute();
  },
};

/** SQLite cannot drop or add a foreign key: the table is rebuilt with or without it, rows and indexes kept. */
async function rebuildSqlite(db: Kysely<unknown>, withForeignKey: boolean): Promise<void> {
  const { rows } = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_master where tbl_name = 'event_deliveries' and sql is not null`.execute(db);
  const table = rows.find((r) => r.type === 'table')?.sql;
  if (!table) throw new Error('event_deliveries is missing');
  const column = /"endpoint_id" text not null( references "webhook_endpoints" \("id"\) on delete cascade)?/i;
  if (!column.test(table)) throw new Error(`event_deliveries: unexpected endpoint_id column in ${table}`);
  const created = table
    .replace(/^create table "?event_deliveries"?/i, 'create table "event_deliveries_rebuilt"')
    .replace(column, withForeignKey ? '"endpoint_id" text not null references "webhook_endpoints" ("id") on delete cascade' : '"endpoint_id" text not null');
  await sql.raw(created).execute(db);
  await sql`insert into event_deliveries_rebuilt select * from event_deliveries`.execute(db);
  await sql`drop table event_deliveries`.execute(db);
  await sql`alter table event_deliveries_rebuilt rename to event_deliveries`.execute(db);
  for (const index of rows.filter((r) => r.type === 'index')) await sql.raw(index.sql!).execute(db);
}
