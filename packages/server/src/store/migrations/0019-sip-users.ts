import type { Kysely, Migration } from 'kysely';

/**
 * The cloud PBX's users (issue 17): phones that register with digest credentials in their account's SIP
 * domain, and the registrations (bindings) they hold. Usernames and extensions are unique per account
 * only: each account has its own domain, and a rule across Prolope would tell one tenant about another.
 *
 * The account's SIP domain is not stored: it is derived from the account id (sip-users/sip-domain.ts),
 * so the registrar maps a request's domain back to the account without a lookup table.
 *
 * Registrations are stored so they survive a restart, with the node (PROLOPE_NODE_ID) holding the socket
 * the REGISTER came in on and the source address the device is reached at (RFC 3581).
 */
export const sipUsers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sip_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('realm', 'text', (c) => c.notNull())
      .addColumn('ha1_md5', 'text', (c) => c.notNull())
      .addColumn('ha1_sha256', 'text', (c) => c.notNull())
      .addColumn('extension', 'text')
      .addColumn('display_name', 'text')
      .addColumn('caller_id', 'text')
      .addColumn('max_registrations', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sip_users_account_username').on('sip_users').columns(['account_id', 'username']).unique().execute();
    // Both stores let several NULLs through a unique index, so users without an extension never collide.
    await db.schema.createIndex('sip_users_account_extension').on('sip_users').columns(['account_id', 'extension']).unique().execute();

    await db.schema
      .createTable('sip_registrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('sip_user_id', 'text', (c) => c.notNull().references('sip_users.id').onDelete('cascade'))
      /** The Contact URI as the device sent it (RFC 3261 10.3: bindings are keyed by it). */
      .addColumn('contact', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('cseq', 'integer', (c) => c.notNull())
      .addColumn('source_address', 'text', (c) => c.notNull())
      .addColumn('source_port', 'integer', (c) => c.notNull())
      .addColumn('transport', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sip_registrations_user_contact').on('sip_registrations').columns(['sip_user_id', 'contact']).unique().execute();
    await db.schema.createIndex('sip_registrations_expires_at').on('sip_registrations').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sip_registrations').execute();
    await db.schema.dropTable('sip_users').execute();
  },
};
