import type { Kysely, Migration } from 'kysely';

/**
 * Voicemail (issue 17 item 7): boxes with a hashed PIN, greetings (JSON: TTS text for now, audio
 * prompts later without a migration), an optional owner whose phones get the message waiting
 * indicator, and the messages callers left. The audio lives in object storage beside recordings
 * (`voicemail/<account>/<message>.wav`); the row says who called, when and for how long.
 *
 * The owner is `set null` on a SIP user's deletion: the box and its messages outlive the phone.
 */
export const voicemail: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('voicemail_boxes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      /** `scrypt$<salt>$<hash>` (voicemail/pin.ts); never the PIN itself. */
      .addColumn('pin_hash', 'text', (c) => c.notNull())
      .addColumn('sip_user_id', 'text', (c) => c.references('sip_users.id').onDelete('set null'))
      .addColumn('email', 'text')
      .addColumn('max_message_seconds', 'integer', (c) => c.notNull())
      .addColumn('greetings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('voicemail_boxes_account').on('voicemail_boxes').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('voicemail_boxes_owner').on('voicemail_boxes').column('sip_user_id').execute();

    await db.schema
      .createTable('voicemail_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('box_id', 'text', (c) => c.notNull().references('voicemail_boxes.id').onDelete('cascade'))
      .addColumn('call_id', 'text')
      .addColumn('from_number', 'text', (c) => c.notNull())
      .addColumn('duration_seconds', 'integer', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('heard', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('voicemail_messages_box').on('voicemail_messages').columns(['box_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('voicemail_messages').execute();
    await db.schema.dropTable('voicemail_boxes').execute();
  },
};
