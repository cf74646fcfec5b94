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
const prompt = (id: string, accountId: string) => ({
  id,
  account_id: accountId,
  name: 'Menu',
  status: 'active',
  source_format: 'wav',
  duration_ms: 1000,
  size_bytes: 8044,
  rights_text: 'declared',
  rights_version: 'v',
  rights_accepted_at: at,
  rights_api_key_id: 'key_1',
  rights_contact_id: null,
  taken_down_at: null,
  takedown_reason: null,
  created_at: at,
  updated_at: at,
});

/** 0020: audio prompts (with the rights declaration columns) and per-account hold music; and down again. */
describe.each(storeKinds)('migration 0020: audio prompts (%s)', (kind) => {
  it('stores prompts of an existing account only, one settings row per account, and goes back down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-mig-'));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    const store = openStore({ databaseUrl: pg?.url, dataDir });
    const db = store.db as unknown as Kysely<any>;
    const refused = (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => e);
    try {
      await migrateToLatest(db);
      await db.insertInto('accounts').values([account('acct_a')]).execute();
      await db.insertInto('audio_prompts').values(prompt('aud_1', 'acct_a')).execute();
      if (kind === 'postgres') expect(await refused(db.insertInto('audio_prompts').values(prompt('aud_2', 'acct_nobody')).execute())).toBeInstanceOf(Error);
      await db.insertInto('account_audio_settings').values({ account_id: 'acct_a', hold_music_audio_id: 'aud_1', updated_at: at }).execute();
      expect(await refused(db.insertInto('account_audio_settings').values({ account_id: 'acct_a', hold_music_audio_id: null, updated_at: at }).execute())).toBeInstanceOf(Error);
      expect((await db.selectFrom('audio_prompts').select('id').execute()).map((r) => r.id)).toEqual(['aud_1']);

      await migrateTo(db, '0019-sip-users');
      const tables = (await db.introspection.getTables()).map((t) => t.name);
      expect(tables).not.toContain('audio_prompts');
      expect(tables).not.toContain('account_audio_settings');
    } finally {
      await store.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
