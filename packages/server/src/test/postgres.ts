import pg from 'pg';

/** The PostgreSQL server tests use; on these machines one runs at 127.0.0.1:5432 with trust auth. */
export const adminUrl = process.env.PROLOPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function strict(): boolean {
  return process.env.PROLOPE_TEST_STRICT === '1';
}

let reachable: Promise<boolean> | undefined;

/** Whether PostgreSQL answers; under PROLOPE_TEST_STRICT=1 a missing server fails the run instead. */
export function postgresAvailable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (err) {
      if (strict()) throw new Error(`PostgreSQL is required (PROLOPE_TEST_STRICT=1) but ${adminUrl} does not answer: ${(err as Error).message}`);
      console.warn(
        `[prolope tests] skipping PostgreSQL runs: ${adminUrl} does not answer (${(err as Error).message}). Start PostgreSQL or set PROLOPE_TEST_PG_URL.`,
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a database of its own for one test server; CI reuses the PostgreSQL server, so names are unique. */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `prolope_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
