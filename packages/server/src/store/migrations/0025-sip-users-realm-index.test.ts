import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { openStore } from '../db.js';
import { migrateTo, migrateToLatest } from '../migrate.js';

/** 0025: the lookup of a SIP user by realm and username uses an index on both stores, and the index goes on the way down. */
describe.each(storeKinds)('migration 0025: sip_users(realm, username) index (%s)', (kind) => {
  it('the registrar lookup uses the index; going down drops it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const lookup = "SELECT * FROM sip_users WHERE realm = 'acme.sip.localhost' AND username = '201'";
    // Each plan is asked with new text: the store keeps prepared statements, and SQLite's would keep the old plan.
    let asked = 0;
    const plan = async (): Promise<string> => {
      asked += 1;
      if (kind === 'sqlite') return JSON.stringify((await sql.raw(`EXPLAIN QUERY PLAN ${lookup} /* ${asked} */`).execute(db)).rows);
      // A tiny table would be read whole however it is indexed; with seq scans off the planner shows whether it could use one.
      await sql`SET enable_seqscan = off`.execute(db);
      return JSON.stringify((await sql.raw(`EXPLAIN ${lookup}`).execute(db)).rows);
    };
    try {
      await migrateToLatest(db);
      expect(await plan()).toContain('sip_users_realm_username');
      await migrateTo(db, '0022-number-routes');
      expect(await plan()).not.toContain('sip_users_realm_username');
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
