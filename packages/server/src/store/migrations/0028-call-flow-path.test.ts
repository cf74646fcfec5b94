import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

/** 0028: `calls.flow`, the IVR flow a call ran and its path; nullable, gone again on the way down. */
describe.each(storeKinds)('migration 0028: calls.flow (%s)', (kind) => {
  it('adds a nullable text column to calls and drops it going down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const flowColumn = async () => (await db.introspection.getTables()).find((t) => t.name === 'calls')?.columns.find((c) => c.name === 'flow');
    try {
      await migrateToLatest(db);
      expect(await flowColumn()).toMatchObject({ name: 'flow', isNullable: true });
      expect((await flowColumn())?.dataType.toLowerCase()).toBe('text');
      await migrateTo(db, '0027-flows');
      expect(await flowColumn()).toBeUndefined();
      await migrateToLatest(db);
      expect(await flowColumn()).toMatchObject({ name: 'flow', isNullable: true });
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
