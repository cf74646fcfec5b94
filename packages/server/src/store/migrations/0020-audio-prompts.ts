import type { Kysely, Migration } from 'kysely';

/**
 * Audio prompts customers upload (issue 17 item 8, terms section 10), kept as 8 kHz A-law WAV in the
 * object store beside recordings; this table holds what the terms require alongside the audio:
 *
 * - the declaration of rights (10.2): its wording as accepted, and who made it and when. Who is the
 *   authenticated API key (and a personal key's contact), never a name from the request body;
 * - the operator's takedown (10.3): when and why. A taken-down row stays (the customer may still list,
 *   download and delete it) so a later play can refuse it and the record of the claim survives.
 *
 * `account_audio_settings` holds per-account choices, for now the hold music (an audio id).
 */
export const audioPrompts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audio_prompts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source_format', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('rights_text', 'text', (c) => c.notNull())
      .addColumn('rights_version', 'text', (c) => c.notNull())
      .addColumn('rights_accepted_at', 'text', (c) => c.notNull())
      .addColumn('rights_api_key_id', 'text', (c) => c.notNull())
      .addColumn('rights_contact_id', 'text')
      .addColumn('taken_down_at', 'text')
      .addColumn('takedown_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audio_prompts_account').on('audio_prompts').columns(['account_id', 'id']).execute();

    await db.schema
      .createTable('account_audio_settings')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
      .addColumn('hold_music_audio_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('account_audio_settings').execute();
    await db.schema.dropTable('audio_prompts').execute();
  },
};
