import type { Kysely, Migration } from 'kysely';

/**
 * Ring groups (issue 17 item 4): SIP users of an account rung together or in turn, with a fallback.
 * `members` and `fallback` are JSON in text columns, like a number's `route`, so a new fallback type
 * needs no migration. `rr_next` is where round-robin starts the next call: it is advanced by one atomic
 * UPDATE per call, so several server processes on PostgreSQL never start two calls at the same member.
 *
 * `calls.routing` is the CDR's PBX part (JSON of the API's CallRouting): the group rung, the member who
 * answered, the fallback taken; null for other calls.
 */
export const ringGroups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ring_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('extension', 'text')
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('members', 'text', (c) => c.notNull())
      .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
      .addColumn('fallback', 'text')
      .addColumn('rr_next', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ring_groups_account').on('ring_groups').columns(['account_id', 'id']).execute();
    // Several NULLs pass a unique index on both stores: groups without an extension never collide.
    await db.schema.createIndex('ring_groups_account_extension').on('ring_groups').columns(['account_id', 'extension']).unique().execute();
    await db.schema.alterTable('calls').addColumn('routing', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('routing').execute();
    await db.schema.dropTable('ring_groups').execute();
  },
};
