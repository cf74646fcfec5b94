import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { isUniqueViolation, openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

/** 0016 on a store that already holds trunks: rows and later columns survive, usernames become unique per account. */
describe.each(storeKinds)('migration 0016: trunk usernames per account (%s)', (kind) => {
  it('keeps every trunk and column, and moves the uniqueness from the username to (account, username)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    try {
      await migrateTo(db, '0011-carriers');
      const at = '2026-01-01T00:00:00.000Z';
      const account = (id: string) => ({ id, name: id, legal_entity: '{}', signatory: '{}', parent_account_id: null, status: 'active', metadata: '{}', created_at: at, updated_at: at });
      await db.insertInto('accounts').values([account('acct_a'), account('acct_b')]).execute();
      const trunk = (id: string, accountId: string, username: string) => ({
        id,
        account_id: accountId,
        name: id,
        allowed_ips: '["192.0.2.1/32"]',
        allowed_caller_ids: '[]',
        username,
        realm: 'prolope',
        ha1_md5: 'm',
        ha1_sha256: 's',
        link: null,
        outbound_target: '192.0.2.1:5080',
        created_at: at,
        updated_at: at,
      });
      await db.insertInto('sip_trunks').values([trunk('trk_1', 'acct_a', 'pbx'), trunk('trk_2', 'acct_b', 'other')]).execute();
      // Before: one username across Prolope.
      const across = await db.insertInto('sip_trunks').values(trunk('trk_3', 'acct_b', 'pbx')).execute().catch((e: unknown) => e);
      expect(isUniqueViolation(across)).toBe(true);

      await migrateToLatest(db);
      const rows = await db.selectFrom('sip_trunks').selectAll().orderBy('id').execute();
      expect(rows).toEqual([trunk('trk_1', 'acct_a', 'pbx'), trunk('trk_2', 'acct_b', 'other')]);
      await db.insertInto('sip_trunks').values(trunk('trk_3', 'acct_b', 'pbx')).execute();
      const same = await db.insertInto('sip_trunks').values(trunk('trk_4', 'acct_a', 'pbx')).execute().catch((e: unknown) => e);
      expect(isUniqueViolation(same)).toBe(true);
      // The rebuilt SQLite table has its listing index back, beside the new one.
      const indexes =
        kind === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'sip_trunks' and sql is not null`.execute(db)).rows
          : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'sip_trunks' and indexname like 'sip_trunks_account%'`.execute(db)).rows;
      expect(indexes.map((r) => r.name).sort()).toEqual(['sip_trunks_account', 'sip_trunks_account_username']);
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
