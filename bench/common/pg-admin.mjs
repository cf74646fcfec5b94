import { createRequire } from 'node:module';

// PostgreSQL's client comes from the server package, so the benches need no dependency of their own for it.
const pg = createRequire(new URL('../../packages/server/package.json', import.meta.url))('pg');

/**
 * Runs one statement (`create database ...`, `drop database ...`) on the PostgreSQL server at
 * `adminUrl`, on a connection of its own.
 *
 * @example
 * await pgAdmin('postgres://postgres@127.0.0.1:5432/postgres', 'create database bench_1');
 */
export async function pgAdmin(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
