import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { secureDatabaseFile, secureDataDir } from './data-dir.js';
import { cachedStatements } from './sqlite-statements.js';
import { createEventBus, type EventBus } from './event-bus.js';
import { eventHints } from './event-hints.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type StoreKind = 'sqlite' | 'postgres';

export interface Store {
  db: Db;
  kind: StoreKind;
  /** Hints of new events written through this store (store/event-hints.ts); this store's only. */
  events: EventBus;
  close(): Promise<void>;
}

/** Opens PostgreSQL when a URL is given, else the embedded SQLite file under dataDir. */
export function openStore(opts: {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite only; default `normal` (see below). */
  sqliteSynchronous?: 'normal' | 'full';
  onIdleError?: (err: Error) => void;
}): Store {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle client whose backend goes away (restart, failover) emits 'error'; unhandled, that would
    // crash the process. The pool replaces the client on next use, so noting it is enough.
    pool.on('error', (err) => opts.onIdleError?.(err));
    // A client checked out when its backend goes away (pg_terminate_backend, a failover mid-query) emits
    // 'error' with no pool listener attached, which would crash the process; its query fails anyway, so
    // the request answers 500 and the client is discarded. Noting it is enough here too.
    pool.on('connect', (client) => client.on('error', (err) => opts.onIdleError?.(err)));
    const events = createEventBus();
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [eventHints(events)] });
    return { db, kind: 'postgres', events, close: () => db.destroy() };
  }
  secureDataDir(opts.dataDir);
  const path = join(opts.dataDir, 'prolope.sqlite');
  secureDatabaseFile(path);
  const file = new SQLite(path);
  // WAL lets readers go on while a write commits; the busy timeout covers a second process (the CLI).
  file.pragma('journal_mode = WAL');
  // NORMAL, not SQLite's default FULL: in WAL mode FULL waits for an fsync of the log at every commit,
  // which on the development machine blocked the event loop 0.8-1.1 ms per write (a REGISTER, a CDR
  // update, a webhook attempt), where NORMAL took 0.02-0.08 ms. WAL with NORMAL cannot corrupt the
  // database; what it gives up is that the last commits before a power loss or an OS crash (not a crash
  // of this process) may be rolled back. PostgreSQL is the store for production; who wants SQLite to
  // survive power loss with every commit sets PROLOPE_SQLITE_SYNCHRONOUS=full.
  file.pragma(`synchronous = ${opts.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  const events = createEventBus();
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachedStatements(file) }),
    plugins: [eventHints(events)],
  });
  return { db, kind: 'sqlite', events, close: () => db.destroy() };
}

/** True when an error is a unique-constraint violation, on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
