import type { Database as SQLiteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX = 500;

/**
 * Kysely's SQLite driver prepares every query anew; preparing cost as much as running the query
 * (bench/api profile). Kysely compiles the same SQL text for the same query shape, so keeping
 * prepared statements by SQL text makes repeated queries skip the SQLite parser.
 */
export function cachedStatements(db: SQLiteDatabase): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= MAX) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
