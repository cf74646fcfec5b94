import type { Kysely, Migration } from 'kysely';

export const calls: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('from', 'text', (c) => c.notNull())
      .addColumn('to', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sip_call_id', 'text', (c) => c.notNull())
      .addColumn('sip_trunk_id', 'text')
      .addColumn('phone_number_id', 'text')
      .addColumn('sip_code', 'integer')
      .addColumn('hangup_by', 'text')
      .addColumn('hangup_cause', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('duration_seconds', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('calls_account').on('calls').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('calls_sip_call_id').on('calls').column('sip_call_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('calls').execute();
  },
};
