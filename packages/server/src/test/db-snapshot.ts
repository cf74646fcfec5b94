import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../store/db.js';

/**
 * Every table's row count and a hash of its content (rows sorted, so storage order does not matter),
 * for "nothing was written" checks that cover updates and deletes as well as inserts, in every table,
 * including ones added after the test was written. `nodes` is left out: server processes renew their
 * leases there on a timer (calls/remote-control), whatever requests do.
 */
export async function dbSnapshot(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of await db.introspection.getTables()) {
    if (table.name === 'nodes') continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    const lines = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    out[table.name] = `${rows.length} rows ${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}
