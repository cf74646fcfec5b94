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
const account = { id: 'acct_a', name: 'a', legal_entity: '{}', signatory: '{}', parent_account_id: null, status: 'active', metadata: '{}', created_at: at, updated_at: at };
const user = { id: 'sipu_1', account_id: 'acct_a', username: 'alice', realm: 'a.sip.localhost', ha1_md5: 'x', ha1_sha256: 'y', extension: null, display_name: null, caller_id: null, max_registrations: 3, enabled: 1, created_at: at, updated_at: at };
const box = { id: 'vmb_1', account_id: 'acct_a', name: 'A', pin_hash: 'scrypt$s$h', sip_user_id: 'sipu_1', email: null, max_message_seconds: 120, greetings: '{}', created_at: at, updated_at: at };
const message = { id: 'vmm_1', account_id: 'acct_a', box_id: 'vmb_1', call_id: null, from_number: '+359888123456', duration_seconds: 2, size_bytes: 100, heard: 0, created_at: at };

/** 0021: a box outlives its owner (set null), its messages go with it (cascade), and down again. */
describe.each(storeKinds)('migration 0021: voicemail (%s)', (kind) => {
  it('keeps a box when its owner goes, drops its messages with it, and goes back down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    try {
      await migrateToLatest(db);
      await db.insertInto('accounts').values(account).execute();
      await db.insertInto('sip_users').values(user).execute();
      await db.insertInto('voicemail_boxes').values(box).execute();
      await db.insertInto('voicemail_messages').values(message).execute();
      await db.deleteFrom('sip_users').where('id', '=', 'sipu_1').execute();
      expect((await db.selectFrom('voicemail_boxes').select('sip_user_id').executeTakeFirstOrThrow()).sip_user_id).toBeNull();
      await db.deleteFrom('voicemail_boxes').where('id', '=', 'vmb_1').execute();
      expect(await db.selectFrom('voicemail_messages').selectAll().execute()).toEqual([]);

      await migrateTo(db, '0019-sip-users');
      const tables = (await db.introspection.getTables()).map((t) => t.name);
      expect(tables).not.toContain('voicemail_boxes');
      expect(tables).not.toContain('voicemail_messages');
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
