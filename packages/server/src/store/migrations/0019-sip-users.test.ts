import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

const at = '2026-01-01T00:00:00.000Z';
const account = (id: string) => ({ id, name: id, legal_entity: '{}', signatory: '{}', parent_account_id: null, status: 'active', metadata: '{}', created_at: at, updated_at: at });
const user = (id: string, accountId: string, username: string, extension: string | null) => ({
  id,
  account_id: accountId,
  username,
  realm: `${accountId}.sip.localhost`,
  ha1_md5: 'x',
  ha1_sha256: 'y',
  extension,
  display_name: null,
  caller_id: null,
  max_registrations: 3,
  enabled: 1,
  created_at: at,
  updated_at: at,
});

/** 0019: usernames and extensions unique per account only (several users may have none), and down again. */
describe.each(storeKinds)('migration 0019: SIP users and registrations (%s)', (kind) => {
  it('makes usernames and extensions unique within an account, not across accounts, and goes back down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const refused = (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => e);
    try {
      await migrateToLatest(db);
      await db.insertInto('accounts').values([account('acct_a'), account('acct_b')]).execute();
      await db.insertInto('sip_users').values(user('sipu_1', 'acct_a', 'alice', '201')).execute();
      expect(await refused(db.insertInto('sip_users').values(user('sipu_2', 'acct_a', 'alice', '202')).execute())).toBeInstanceOf(Error);
      expect(await refused(db.insertInto('sip_users').values(user('sipu_3', 'acct_a', 'bob', '201')).execute())).toBeInstanceOf(Error);
      await db.insertInto('sip_users').values(user('sipu_4', 'acct_b', 'alice', '201')).execute();
      await db.insertInto('sip_users').values([user('sipu_5', 'acct_a', 'carol', null), user('sipu_6', 'acct_a', 'dave', null)]).execute();
      expect((await db.selectFrom('sip_users').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual(['sipu_1', 'sipu_4', 'sipu_5', 'sipu_6']);

      await migrateTo(db, '0018-call-status-subscriptions');
      const tables = (await db.introspection.getTables()).map((t) => t.name);
      expect(tables).not.toContain('sip_users');
      expect(tables).not.toContain('sip_registrations');
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
