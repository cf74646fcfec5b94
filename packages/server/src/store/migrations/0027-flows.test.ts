import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

/** 0027: flows and their revisions; a revision number is taken once per flow; both tables gone on the way down. */
describe.each(storeKinds)('migration 0027: flows and flow_revisions (%s)', (kind) => {
  it('creates both tables, refuses a revision number twice for one flow, and drops both going down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const tables = async () => (await db.introspection.getTables()).map((t) => t.name);
    try {
      await migrateToLatest(db);
      expect(await tables()).toEqual(expect.arrayContaining(['flows', 'flow_revisions']));
      const at = '2026-12-07T00:00:00.000Z';
      await db
        .insertInto('accounts')
        .values({
          id: 'acct_m',
          name: 'M',
          legal_entity: '{}',
          signatory: '{}',
          parent_account_id: null,
          status: 'active',
          is_operator: 0,
          metadata: '{}',
          created_at: at,
          updated_at: at,
          test_clock_id: null,
          hold_suspension: 0,
          hold_termination: 0,
          terminated_on: null,
          billed_through: null,
          data_deleted_at: null,
        })
        .execute();
      await db
        .insertInto('flows')
        .values({ id: 'flw_1', account_id: 'acct_m', name: 'F', definition: '{}', latest_revision: null, created_at: at, updated_at: at })
        .execute();
      const revision = { flow_id: 'flw_1', revision: 1, account_id: 'acct_m', name: 'F', definition: '{}', rolled_back_from: null, published_at: at };
      await db.insertInto('flow_revisions').values(revision).execute();
      await expect(db.insertInto('flow_revisions').values(revision).execute()).rejects.toThrow();
      await db
        .insertInto('flow_revisions')
        .values({ ...revision, revision: 2 })
        .execute();
      expect(
        (await db.selectFrom('flow_revisions').select('revision').orderBy('revision').execute()).map((r: { revision: number }) => Number(r.revision)),
      ).toEqual([1, 2]);
      await migrateTo(db, '0025-sip-users-realm-index');
      expect(await tables()).not.toContain('flows');
      expect(await tables()).not.toContain('flow_revisions');
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
