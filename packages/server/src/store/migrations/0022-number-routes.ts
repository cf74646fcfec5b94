import type { Kysely, Migration } from 'kysely';

/**
 * Where calls to a number go instead of its voice application (issue 17): `phone_numbers.route`, the
 * JSON of the API's NumberRoute (`{"type":"sip_user","sip_user_id":...}` today; ring groups, voicemail
 * boxes, IVR flows and queues later), or NULL for the voice application as before. JSON in a text column,
 * like `voice` and `forwarding`, so a new route type needs no migration.
 */
export const numberRoutes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('phone_numbers').addColumn('route', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('phone_numbers').dropColumn('route').execute();
  },
};
