import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

/** 0022: a nullable route column on numbers, kept as written, and gone again on the way down. */
describe.each(storeKinds)('migration 0022: number routes (%s)', (kind) => {
  it('adds phone_numbers.route (NULL for existing numbers) and drops it going down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const columns = async () => (await db.introspection.getTables()).find((t) => t.name === 'phone_numbers')!.columns.map((c) => c.name);
    try {
      await migrateTo(db, '0019-sip-users');
      const at = '2026-01-01T00:00:00.000Z';
      const row = { id: 'pn_1', number: '+35929000001', country: 'BG', type: 'local', capabilities: '["voice"]', monthly_price: '1.00', setup_price: '0.00', currency: 'EUR', status: 'available', created_at: at, updated_at: at };
      await db.insertInto('phone_numbers').values(row).execute();
      await migrateToLatest(db);
      expect(await columns()).toContain('route');
      expect((await db.selectFrom('phone_numbers').select('route').where('id', '=', 'pn_1').executeTakeFirstOrThrow()).route).toBeNull();
      const route = JSON.stringify({ type: 'sip_user', sip_user_id: 'sipu_1', ring_timeout: 30 });
      await db.updateTable('phone_numbers').set({ route }).where('id', '=', 'pn_1').execute();
      expect((await db.selectFrom('phone_numbers').select('route').where('id', '=', 'pn_1').executeTakeFirstOrThrow()).route).toBe(route);

      await migrateTo(db, '0019-sip-users');
      expect(await columns()).not.toContain('route');
      expect(await db.selectFrom('phone_numbers').select('id').execute()).toHaveLength(1);
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
