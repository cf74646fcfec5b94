import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

/** 0024: call handling per SIP user and schedules; both tables gone again on the way down. */
describe.each(storeKinds)('migration 0024: call handling and schedules (%s)', (kind) => {
  it('creates sip_user_call_handling and schedules, and drops both going down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const tables = async () => (await db.introspection.getTables()).map((t) => t.name);
    try {
      await migrateToLatest(db);
      expect(await tables()).toEqual(expect.arrayContaining(['sip_user_call_handling', 'schedules']));
      await migrateTo(db, '0022-number-routes');
      expect(await tables()).not.toContain('sip_user_call_handling');
      expect(await tables()).not.toContain('schedules');
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
