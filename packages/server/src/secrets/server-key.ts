import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The server's secret key: PROLOPE_SECRET_KEY when set, else `<data dir>/secret.key`, written on the
 * first start (mode 0600, exclusive create so two processes starting together cannot write two keys).
 * A laptop then needs no setting; processes on several machines sharing PostgreSQL must share the key.
 */
export function serverKey(configured: Buffer | undefined, dataDir: string): Buffer {
  if (configured) return configured;
  const file = join(dataDir, 'secret.key');
  try {
    return keyFromFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return keyFromFile(file);
}

function keyFromFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${file} must hold 64 hex characters (a 32-byte key); remove it to have a new one made`);
  return Buffer.from(text, 'hex');
}
