import type { Kysely, Migration } from 'kysely';

export const recordings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('recordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('duration_seconds', 'integer', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recordings_account').on('recordings').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('recordings_call').on('recordings').columns(['call_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('recordings').execute();
  },
};
