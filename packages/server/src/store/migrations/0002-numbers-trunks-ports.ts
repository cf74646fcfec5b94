import type { Kysely, Migration } from 'kysely';

export const numbersTrunksPorts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('phone_numbers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('country', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('capabilities', 'text', (c) => c.notNull())
      .addColumn('monthly_price', 'text', (c) => c.notNull())
      .addColumn('setup_price', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
      .addColumn('source', 'text')
      .addColumn('quarantined_until', 'text')
      .addColumn('friendly_name', 'text')
      .addColumn('voice', 'text')
      .addColumn('sip_trunk_id', 'text')
      .addColumn('forwarding', 'text')
      .addColumn('purchased_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('phone_numbers_account').on('phone_numbers').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('phone_numbers_search').on('phone_numbers').columns(['status', 'country', 'number']).execute();

    await db.schema
      .createTable('sip_trunks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('allowed_ips', 'text', (c) => c.notNull())
      .addColumn('allowed_caller_ids', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('realm', 'text', (c) => c.notNull())
      .addColumn('ha1_md5', 'text', (c) => c.notNull())
      .addColumn('ha1_sha256', 'text', (c) => c.notNull())
      .addColumn('link', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sip_trunks_account').on('sip_trunks').columns(['account_id', 'id']).execute();

    await db.schema
      .createTable('number_ports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('numbers', 'text', (c) => c.notNull())
      .addColumn('losing_carrier', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('declaration', 'text', (c) => c.notNull())
      .addColumn('foc_date', 'text')
      .addColumn('rejection_reason', 'text')
      .addColumn('history', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('number_ports_account').on('number_ports').columns(['account_id', 'id']).execute();

    await db.schema
      .createTable('port_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('port_id', 'text', (c) => c.notNull().references('number_ports.id'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('content_base64', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('port_documents_port').on('port_documents').columns(['port_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['port_documents', 'number_ports', 'sip_trunks', 'phone_numbers']) await db.schema.dropTable(t).execute();
  },
};
