import type { Kysely, Migration } from 'kysely';

/**
 * IVR flows (issue 18 item 2): a flow's draft lives on `flows`; each publish appends an immutable row to
 * `flow_revisions`, numbered 1, 2, 3, ... per flow. The primary key (flow_id, revision) is what keeps two
 * concurrent publishes from taking the same number on either store: the loser's insert fails and it
 * tries the next number. Definitions are JSON in text columns, like a ring group's members.
 */
export const flows: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('flows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('latest_revision', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('flows_account').on('flows').columns(['account_id', 'id']).execute();
    await db.schema
      .createTable('flow_revisions')
      .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id'))
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('rolled_back_from', 'integer')
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('flow_revisions_pk', ['flow_id', 'revision'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('flow_revisions').execute();
    await db.schema.dropTable('flows').execute();
  },
};
