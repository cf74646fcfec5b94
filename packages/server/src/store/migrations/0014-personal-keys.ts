import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13 item 3: an API key may belong to a contact (a personal key), so the person acting on an
 * incident is the one the key authenticates, never one named in the body.
 */
export const personalKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('api_keys').addColumn('contact_id', 'text').execute();
    // Deleting a contact revokes its keys: found by this index.
    await db.schema.createIndex('api_keys_contact').on('api_keys').column('contact_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('api_keys_contact').execute();
    await db.schema.alterTable('api_keys').dropColumn('contact_id').execute();
  },
};
