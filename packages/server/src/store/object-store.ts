import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where recordings' audio lives, by key (`<account id>/<recording id>`). Files under the data folder
 * for now; an S3 (or other object store) implementation can replace it without touching callers.
 */
export interface RecordingStore {
  put(key: string, data: Buffer): Promise<void>;
  /** The stored bytes, or undefined when there is nothing under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** The storage key of a recording's WAV. */
export function recordingKey(accountId: string, recordingId: string): string {
  return `${accountId}/${recordingId}`;
}

// Keys are built from our own prefixed ids; refuse anything else so a key can never leave the folder.
const KEY = /^[a-z]+_[0-9A-Za-z]+\/[a-z]+_[0-9A-Za-z]+$/;

/** The same interface for other files kept per account (export archives). */
export type ObjectStore = RecordingStore;

/** Recordings as WAV files at `<dataDir>/recordings/<account id>/<recording id>.wav`. */
export function fileRecordingStore(dataDir: string): RecordingStore {
  return fileObjectStore(dataDir, 'recordings', 'wav', 'recording');
}

/** Files at `<dataDir>/<folder>/<account id>/<object id>.<extension>`. */
export function fileObjectStore(dataDir: string, folder: string, extension: string, what = 'object'): ObjectStore {
  const root = join(dataDir, folder);
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`not a ${what} key: ${JSON.stringify(key)}`);
    return join(root, `${key}.${extension}`);
  };
  return {
    async put(key, data) {
      const file = pathOf(key);
      await mkdir(dirname(file), { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const partial = `${file}.partial`;
      await writeFile(partial, data);
      await rename(partial, file);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** Recordings in memory: for an app built without a data folder, and tests. */
export function memoryRecordingStore(): RecordingStore {
  const objects = new Map<string, Buffer>();
  return {
    async put(key, data) {
      objects.set(key, Buffer.from(data));
    },
    async get(key) {
      return objects.get(key);
    },
    async delete(key) {
      objects.delete(key);
    },
  };
}
