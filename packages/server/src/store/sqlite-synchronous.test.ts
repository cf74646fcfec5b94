import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openStore } from './db.js';

// SQLite's `synchronous` (db.ts says why NORMAL is the default): 1 is NORMAL, 2 is FULL.
describe('the SQLite store’s synchronous setting', () => {
  const root = mkdtempSync(join(tmpdir(), 'prolope-sync-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    [{}, 'normal', 1],
    [{ PROLOPE_SQLITE_SYNCHRONOUS: 'normal' }, 'normal', 1],
    [{ PROLOPE_SQLITE_SYNCHRONOUS: 'FULL' }, 'full', 2],
  ] as const)('%o gives %s (PRAGMA synchronous = %i), in WAL mode', async (env, setting, pragma) => {
    const config = loadConfig({ ...env, PROLOPE_DATA_DIR: mkdtempSync(join(root, 'd-')) });
    expect(config.sqliteSynchronous).toBe(setting);
    const store = openStore(config);
    try {
      const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(store.db);
      expect(rows[0]?.synchronous).toBe(pragma);
      const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(store.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
    } finally {
      await store.close();
    }
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => loadConfig({ PROLOPE_SQLITE_SYNCHRONOUS: 'off' })).toThrow(/PROLOPE_SQLITE_SYNCHRONOUS must be normal or full, got "off"/);
  });
});
