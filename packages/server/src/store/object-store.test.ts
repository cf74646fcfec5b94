import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileRecordingStore, memoryRecordingStore, recordingKey } from './object-store.js';

describe('recording stores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-rec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['file', fileRecordingStore(dir)],
    ['memory', memoryRecordingStore()],
  ])('%s: puts, gets and deletes by key', async (_name, store) => {
    const key = recordingKey('acct_01ABC', 'rec_01XYZ');
    expect(await store.get(key)).toBeUndefined();
    await store.put(key, Buffer.from('RIFF'));
    expect((await store.get(key))?.toString()).toBe('RIFF');
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    await store.delete(key);
  });

  it('keeps files at <dataDir>/recordings/<account>/<id>.wav and refuses keys that could leave the folder', async () => {
    const store = fileRecordingStore(dir);
    await store.put(recordingKey('acct_1', 'rec_2'), Buffer.from('x'));
    expect(readFileSync(join(dir, 'recordings', 'acct_1', 'rec_2.wav'), 'utf8')).toBe('x');
    await expect(store.put('../../etc/passwd', Buffer.from('x'))).rejects.toThrow('not a recording key');
    await expect(store.get('acct_1/../rec_2')).rejects.toThrow('not a recording key');
  });
});
