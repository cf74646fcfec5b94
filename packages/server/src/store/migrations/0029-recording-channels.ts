import type { Kysely, Migration } from 'kysely';

/**
 * Dual-channel recordings (`record/start` with `channels: dual`): the caller left, the other party of
 * a bridge right. Every recording made before was mono, which the default says.
 */
export const recordingChannels: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('recordings')
      .addColumn('channels', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('recordings').dropColumn('channels').execute();
  },
};
