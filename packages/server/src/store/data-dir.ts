import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data folder holds the SQLite database, the server key file, recordings and exports: only the
 * server's user may enter it (0700), made so on every start in case it was created or copied looser.
 */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Creates the SQLite file readable by the server's user only (0600) before SQLite opens it, and
 * tightens one left looser by an earlier version. SQLite gives its -wal and -shm files the mode of the
 * database file, so they follow; those already there are tightened too.
 */
export function secureDatabaseFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}
