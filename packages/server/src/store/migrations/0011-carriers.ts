import type { Kysely, Migration } from 'kysely';

/**
 * Issue 12: the operator's carriers as an API resource (their digest passwords sealed with the server
 * key), a trunk's outbound target with a port, and why each call ended (`hangup_reason`).
 */
export const carriers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('carriers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uri', 'text', (c) => c.notNull())
      .addColumn('username', 'text')
      .addColumn('password_sealed', 'text')
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('carriers_order').on('carriers').columns(['enabled', 'priority', 'id']).execute();
    await db.schema.alterTable('sip_trunks').addColumn('outbound_target', 'text').execute();
    await db.schema.alterTable('calls').addColumn('hangup_reason_code', 'text').execute();
    await db.schema.alterTable('calls').addColumn('hangup_reason_message', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('hangup_reason_message').execute();
    await db.schema.alterTable('calls').dropColumn('hangup_reason_code').execute();
    await db.schema.alterTable('sip_trunks').dropColumn('outbound_target').execute();
    await db.schema.dropTable('carriers').execute();
  },
};
