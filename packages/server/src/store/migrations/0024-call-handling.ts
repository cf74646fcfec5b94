import type { Kysely, Migration } from 'kysely';

/**
 * Per-user call handling and business-hours schedules (issue 17 item 5).
 *
 * - `sip_user_call_handling`: one row per SIP user that has set forwarding or do-not-disturb (a user
 *   without a row has the defaults), the settings as the API's JSON so a new kind of target needs no
 *   migration. It goes with its user.
 * - `schedules`: an account's business hours (IANA zone, weekly hours and closed dates as JSON), which a
 *   number's `{type: 'schedule'}` route reads at each call.
 */
export const callHandling: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sip_user_call_handling')
      .addColumn('sip_user_id', 'text', (c) => c.primaryKey().references('sip_users.id').onDelete('cascade'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('hours', 'text', (c) => c.notNull())
      .addColumn('public_holidays', 'integer', (c) => c.notNull())
      .addColumn('closed_dates', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('schedules_account').on('schedules').columns(['account_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('schedules').execute();
    await db.schema.dropTable('sip_user_call_handling').execute();
  },
};
