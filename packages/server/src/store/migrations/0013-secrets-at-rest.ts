import type { Kysely, Migration } from 'kysely';
import type { SecretBox } from '../../secrets/secret-box.js';

/** The rows this migration reads and writes, as they are at this point of the schema's history. */
interface Legacy {
  webhook_endpoints: { id: string; secret_sealed: string; previous_secret_sealed: string | null };
  phone_numbers: { id: string; voice: string | null };
}

// The contexts the sealed values are bound to, as webhook-endpoints/endpoint.ts and
// numbers/stored-voice.ts seal them. Copied rather than imported: the store depends on no domain,
// and a migration must keep doing what it did when written (0013-secrets-at-rest.test.ts checks
// that the domains open what it seals).
const endpointContext = (id: string) => `webhook_endpoint:${id}:signing_secret`;
const voiceContext = (id: string) => `phone_number:${id}:voice_signing_secret`;

function needKey(secrets: SecretBox | undefined): SecretBox {
  if (!secrets) throw new Error('migration 0013 seals the stored signing secrets and needs the server key: migrateToLatest(db, { secrets })');
  return secrets;
}

/**
 * Issue 13, items 2 and 6: no secret at rest in the clear.
 * - Idempotency records become per API key (as Stripe's are: the same Idempotency-Key sent with
 *   another key is another request) and keep their answer sealed (`response_sealed`). The table is
 *   made anew: its rows live 24 hours, and those written before hold answers in the clear under no
 *   API key, so they are dropped rather than carried over (a retry of such a request runs it again).
 * - Webhook endpoints' signing secrets (`secret`, `previous_secret`) are sealed in place and the
 *   columns renamed `secret_sealed`, `previous_secret_sealed`, so no code can mistake them for text.
 * - A number's voice application keeps its signing secret as `signing_secret_sealed` in its JSON.
 * Sealing is AES-256-GCM under the server key (secrets/secret-box.ts), hence the factory.
 */
export function secretsAtRest(secrets: SecretBox | undefined): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Checked before any change: SQLite runs DDL outside a transaction, so a failure halfway would stay.
      if (!secrets) {
        const before = db as unknown as Kysely<{ webhook_endpoints: { id: string }; phone_numbers: { id: string; voice: string | null } }>;
        const endpoints = await before.selectFrom('webhook_endpoints').select('id').limit(1).execute();
        const voices = await before.selectFrom('phone_numbers').select('id').where('voice', 'like', '%"signing_secret"%').limit(1).execute();
        if (endpoints.length > 0 || voices.length > 0) needKey(secrets);
      }
      await db.schema.dropTable('idempotency_keys').execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('api_key_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_sealed', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['api_key_id', 'key'])
        .execute();
      // The purge job deletes by age; account deletion by account.
      await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
      await db.schema.createIndex('idempotency_keys_account').on('idempotency_keys').column('account_id').execute();

      await db.schema.alterTable('webhook_endpoints').renameColumn('secret', 'secret_sealed').execute();
      await db.schema.alterTable('webhook_endpoints').renameColumn('previous_secret', 'previous_secret_sealed').execute();
      const legacy = db as unknown as Kysely<Legacy>;
      for (const row of await legacy.selectFrom('webhook_endpoints').select(['id', 'secret_sealed', 'previous_secret_sealed']).execute()) {
        const box = needKey(secrets);
        await legacy
          .updateTable('webhook_endpoints')
          .set({
            secret_sealed: box.seal(row.secret_sealed, endpointContext(row.id)),
            previous_secret_sealed: row.previous_secret_sealed === null ? null : box.seal(row.previous_secret_sealed, endpointContext(row.id)),
          })
          .where('id', '=', row.id)
          .execute();
      }
      for (const row of await legacy.selectFrom('phone_numbers').select(['id', 'voice']).where('voice', 'is not', null).execute()) {
        const { signing_secret: secret, ...voice } = JSON.parse(row.voice as string) as { signing_secret?: string };
        if (!secret) continue;
        const sealed = { ...voice, signing_secret_sealed: needKey(secrets).seal(secret, voiceContext(row.id)) };
        await legacy
          .updateTable('phone_numbers')
          .set({ voice: JSON.stringify(sealed) })
          .where('id', '=', row.id)
          .execute();
      }
    },
    async down(db: Kysely<unknown>) {
      const legacy = db as unknown as Kysely<Legacy>;
      for (const row of await legacy.selectFrom('phone_numbers').select(['id', 'voice']).where('voice', 'is not', null).execute()) {
        const { signing_secret_sealed: sealed, ...voice } = JSON.parse(row.voice as string) as { signing_secret_sealed?: string };
        if (!sealed) continue;
        const plain = { ...voice, signing_secret: needKey(secrets).open(sealed, voiceContext(row.id)) };
        await legacy
          .updateTable('phone_numbers')
          .set({ voice: JSON.stringify(plain) })
          .where('id', '=', row.id)
          .execute();
      }
      for (const row of await legacy.selectFrom('webhook_endpoints').select(['id', 'secret_sealed', 'previous_secret_sealed']).execute()) {
        const box = needKey(secrets);
        await legacy
          .updateTable('webhook_endpoints')
          .set({
            secret_sealed: box.open(row.secret_sealed, endpointContext(row.id)),
            previous_secret_sealed: row.previous_secret_sealed === null ? null : box.open(row.previous_secret_sealed, endpointContext(row.id)),
          })
          .where('id', '=', row.id)
          .execute();
      }
      await db.schema.alterTable('webhook_endpoints').renameColumn('previous_secret_sealed', 'previous_secret').execute();
      await db.schema.alterTable('webhook_endpoints').renameColumn('secret_sealed', 'secret').execute();

      await db.schema.dropTable('idempotency_keys').execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
        .execute();
    },
  };
}
