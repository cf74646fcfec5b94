import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds } from '../test/harness.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

// Issue 13, item 2: the data folder and the files holding the database and the server key are the
// server user's alone, whatever the umask, and a folder left looser by an earlier version is tightened.
describe.each(storeKinds)('data folder and database file modes (%s)', (kind) => {
  const root = mkdtempSync(join(tmpdir(), 'prolope-modes-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes a new data folder 0700, and the key file and SQLite files 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const t = await startTestServer(kind, { config: { dataDir } });
    try {
      // A write, so SQLite has its WAL and shared-memory files open.
      expect((await t.customer()).key).toMatch(/^pk_live_/);
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'secret.key'))).toBe(0o600);
      if (kind === 'sqlite') {
        for (const file of ['prolope.sqlite', 'prolope.sqlite-wal', 'prolope.sqlite-shm']) {
          expect(existsSync(join(dataDir, file)), file).toBe(true);
          expect(modeOf(join(dataDir, file)), file).toBe(0o600);
        }
      }
    } finally {
      await t.close();
    }
  });

  it('tightens a data folder and database file an earlier version left readable to others', async () => {
    const dataDir = join(root, 'loose');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    if (kind === 'sqlite') writeFileSync(join(dataDir, 'prolope.sqlite'), '', { mode: 0o644 });
    if (kind === 'sqlite') chmodSync(join(dataDir, 'prolope.sqlite'), 0o644);
    const t = await startTestServer(kind, { config: { dataDir } });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      if (kind === 'sqlite') expect(modeOf(join(dataDir, 'prolope.sqlite'))).toBe(0o600);
    } finally {
      await t.close();
    }
  });
});
