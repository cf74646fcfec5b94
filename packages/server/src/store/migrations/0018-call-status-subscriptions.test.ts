import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

const at = '2026-01-01T00:00:00.000Z';
const delivery = (id: string, endpointId: string) => ({
  id,
  account_id: 'acct_a',
  event_id: 'evt_1',
  endpoint_id: endpointId,
  status: 'pending',
  attempts: 0,
  next_attempt_at: at,
  locked_until: null,
  created_at: at,
  updated_at: at,
});

/** 0018 on a store with deliveries: they and their indexes survive, and a delivery may then name a call subscription. */
describe.each(storeKinds)('migration 0018: call status subscriptions (%s)', (kind) => {
  it('keeps the deliveries and their indexes, lets endpoint_id name a subscription, and goes back down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    try {
      await migrateTo(db, '0017-call-nodes');
      await db
        .insertInto('accounts')
        .values({
          id: 'acct_a',
          name: 'a',
          legal_entity: '{}',
          signatory: '{}',
          parent_account_id: null,
          status: 'active',
          metadata: '{}',
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('events')
        .values({ id: 'evt_1', account_id: 'acct_a', type: 'call.completed', object_id: 'call_1', payload: '{}', created_at: at })
        .execute();
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: 'we_1',
          account_id: 'acct_a',
          url: 'https://example.com/',
          enabled_events: '["*"]',
          status: 'enabled',
          secret_sealed: 'x',
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db.insertInto('event_deliveries').values(delivery('dlv_1', 'we_1')).execute();
      const refused = await db
        .insertInto('event_deliveries')
        .values(delivery('dlv_2', 'csub_1'))
        .execute()
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);

      await migrateToLatest(db);
      expect(await db.selectFrom('event_deliveries').selectAll().execute()).toEqual([delivery('dlv_1', 'we_1')]);
      await db.insertInto('event_deliveries').values(delivery('dlv_2', 'csub_1')).execute();
      const indexes =
        kind === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'event_deliveries' and sql is not null`.execute(db))
              .rows
          : (
              await sql<{
                name: string;
              }>`select indexname as name from pg_indexes where tablename = 'event_deliveries' and indexname like 'event_deliveries_%' and indexname != 'event_deliveries_pkey'`.execute(
                db,
              )
            ).rows;
      expect(indexes.map((r) => r.name).sort()).toEqual(['event_deliveries_due', 'event_deliveries_endpoint']);
      await db
        .insertInto('call_subscriptions')
        .values({
          id: 'csub_1',
          account_id: 'acct_a',
          call_id: 'call_1',
          url: 'https://example.com/s',
          method: 'POST',
          events: '["call.completed"]',
          secret_sealed: null,
          created_at: at,
        })
        .execute();

      // Down: the subscriptions' deliveries go, the endpoints' stay, and the foreign key is back.
      await migrateTo(db, '0017-call-nodes');
      expect((await db.selectFrom('event_deliveries').select('id').execute()).map((r) => r.id)).toEqual(['dlv_1']);
      const again = await db
        .insertInto('event_deliveries')
        .values(delivery('dlv_3', 'csub_2'))
        .execute()
        .catch((e: unknown) => e);
      expect(again).toBeInstanceOf(Error);
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
