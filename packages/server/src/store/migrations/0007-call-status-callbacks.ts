import type { Kysely, Migration } from 'kysely';

/** `POST /v1/calls` may name a URL told about the call's status changes (Twilio's StatusCallback). */
export const callStatusCallbacks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').addColumn('status_callback_url', 'text').execute();
    // JSON array of the statuses to report (initiated, ringing, answered, completed).
    await db.schema.alterTable('calls').addColumn('status_callback_events', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('status_callback_events').execute();
    await db.schema.alterTable('calls').dropColumn('status_callback_url').execute();
  },
};
