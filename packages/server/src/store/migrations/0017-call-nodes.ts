import type { Kysely, Migration } from 'kysely';

/**
 * Calls controlled from any server process (PostgreSQL with several processes): each live call names
 * the node (PROLOPE_NODE_ID) that holds its media, and each node keeps a lease row it renews while it
 * runs. A live action that lands on another node is sent to the holder; a node whose lease runs out has
 * its calls marked failed by the others. On SQLite (one process) both stay empty.
 */
export const callNodes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('nodes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      // The last renewal and how long it holds: ISO 8601 UTC, compared as text like every timestamp here.
      .addColumn('heartbeat_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('calls').addColumn('node_id', 'text').execute();
    await db.schema.createIndex('calls_node_id').on('calls').column('node_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('calls_node_id').execute();
    await db.schema.alterTable('calls').dropColumn('node_id').execute();
    await db.schema.dropTable('nodes').execute();
  },
};
