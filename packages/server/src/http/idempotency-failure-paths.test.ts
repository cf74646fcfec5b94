import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { adminUrl } from '../test/postgres.js';

/**
 * Idempotency-Key paths nobody ran (issue 13, item 14), through HTTP only: a key past its 24 hours is
 * claimed afresh (even for another body), a request still running makes a second one with its key
 * answer 409 `idempotency_key_in_use`, and a request that ends in a 5xx gives its key back so the
 * retry runs. The last two hold a real PostgreSQL lock to keep a request inside its handler (or make it
 * fail there) at a known moment; SQLite has no lock another connection can hold only past the claim.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(storeKinds)('Idempotency-Key expiry (%s)', (kind) => {
  const clock = manualClock('2026-05-04T08:00:00.000Z');
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    c = await t.customer();
  });
  afterAll(() => t?.close());

  it('replays for 24 hours, then the key is free again: a new request (even another body) runs, and is replayed in turn', async () => {
    const headers = { 'idempotency-key': `expiry-${kind}` };
    const first = await c.api.post('/v1/contacts', { name: 'First', email: 'first@example.com' }, { headers });
    expect(first.status).toBe(201);

    clock.advance(DAY_MS - 1);
    const replay = await c.api.post('/v1/contacts', { name: 'First', email: 'first@example.com' }, { headers });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const reused = await c.api.post('/v1/contacts', { name: 'Second', email: 'second@example.com' }, { headers });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');

    clock.advance(2);
    const fresh = await c.api.post('/v1/contacts', { name: 'Second', email: 'second@example.com' }, { headers });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(fresh.body.id).not.toBe(first.body.id);
    const again = await c.api.post('/v1/contacts', { name: 'Second', email: 'second@example.com' }, { headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(fresh.body);
    const names = ((await c.api.get('/v1/contacts')).body.data as Array<{ name: string }>).map((x) => x.name).sort();
    expect(names).toEqual(['First', 'Second']);
  });
});

describe.skipIf(!storeKinds.includes('postgres'))('Idempotency-Key with a request held in its handler (postgres)', () => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let locker: pg.Client;

  beforeAll(async () => {
    t = await startTestServer('postgres');
    c = await t.customer();
    locker = new pg.Client({ connectionString: await databaseUrlOf(t) });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await t?.close();
  });

  /** Holds contacts locked, so a contact create waits in its handler (its key already claimed). */
  async function holdContacts(): Promise<() => Promise<void>> {
    await locker.query('begin');
    await locker.query('lock table contacts in access exclusive mode');
    return async () => {
      await locker.query('rollback');
    };
  }

  /** The server connection waiting on our lock, once it waits (pg_stat_activity, not the server's internals). */
  async function waiter(): Promise<number> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await locker.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
      );
      if (rows[0]) return rows[0].pid;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('no request is waiting on the lock');
  }

  const post = (key: string, body: unknown) =>
    fetch(`${t.url}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });

  it('a second request with the key of one still running gets 409 idempotency_key_in_use (retry), then the replay', async () => {
    const body = { name: 'Held', email: 'held@example.com' };
    const release = await holdContacts();
    const first = post('held-1', body);
    await waiter();
    const second = await c.api.post('/v1/contacts', body, { headers: { 'idempotency-key': 'held-1' } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('idempotency_key_in_use');
    expect(second.headers.get('prolope-should-retry')).toBe('true');
    await release();
    const done = await first;
    expect(done.status).toBe(201);
    const created = await done.json();
    const third = await c.api.post('/v1/contacts', body, { headers: { 'idempotency-key': 'held-1' } });
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(third.body).toEqual(created);
  });

  it('a request that fails with a 5xx gives its key back: the retry runs the request (and nothing was made twice)', async () => {
    const body = { name: 'Retried', email: 'retried@example.com' };
    const release = await holdContacts();
    const first = post('fail-1', body);
    // The request's database connection dies while it waits: its change never commits, it answers 500.
    await locker.query('select pg_terminate_backend($1)', [await waiter()]);
    const failed = await first;
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toContain('application/problem+json');
    await release();

    const retry = await c.api.post('/v1/contacts', body, { headers: { 'idempotency-key': 'fail-1' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const named = ((await c.api.get('/v1/contacts')).body.data as Array<{ name: string }>).filter((x) => x.name === 'Retried');
    expect(named).toHaveLength(1);
  });
});

/** The test server's PostgreSQL URL: the harness's server with the database the server is connected to. */
async function databaseUrlOf(t: TestServer): Promise<string> {
  const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(t.server.store.db);
  const url = new URL(adminUrl);
  url.pathname = `/${rows[0]!.db}`;
  return url.toString();
}
