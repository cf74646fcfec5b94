import type { Kysely, Migration } from 'kysely';

/** A `dial` (or transfer) places a second call, a leg of the call that ran it: Twilio's parent/child calls. */
export const callLegs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').addColumn('parent_call_id', 'text').execute();
    await db.schema.createIndex('calls_parent').on('calls').columns(['parent_call_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('calls_parent').execute();
    await db.schema.alterTable('calls').dropColumn('parent_call_id').execute();
  },
};
