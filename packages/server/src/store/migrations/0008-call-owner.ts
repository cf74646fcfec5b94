import type { Kysely, Migration } from 'kysely';

/**
 * Which server process carries a call's media: its API address. With several processes sharing
 * PostgreSQL, a live action that lands on another process is forwarded there.
 */
export const callOwner: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').addColumn('owner_url', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('owner_url').execute();
  },
};
