import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso, manualClock } from '../clock.js';
import { secretBox } from '../secrets/secret-box.js';
import { storeKinds, startTestServer, type TestServer } from '../test/harness.js';
import { CLAIM_LEASE_MS, idempotencyHooks } from './idempotency.js';

// What a process killed mid-request leaves behind, and what a retry with the same key then gets.
// The crash test (events/crash) does this with a real SIGKILL; here each leftover state is made by
// hand so every branch is checked, with a clock that moves when told.
describe.each(storeKinds)('Idempotency-Key claims left by a dead process (%s)', (kind) => {
  const clock = manualClock('2026-11-26T09:00:00.000Z');
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  const body = { name: 'recovered', scopes: ['contacts:read'] };

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    c = await t.customer();
  });
  afterAll(() => t?.close());

  const db = () => t.server.store.db;
  const keysNamed = async (name: string) => (await db().selectFrom('api_keys').select('id').where('name', '=', name).execute()).length;
  /** A claim row as the dead process left it, for the same request (same fingerprint) under another key. */
  async function leftover(key: string, state: 'in_progress' | 'applied', sameAs: string) {
    const model = await db().selectFrom('idempotency_keys').selectAll().where('key', '=', sameAs).executeTakeFirstOrThrow();
    await db()
      .insertInto('idempotency_keys')
      .values({ ...model, key, state, response_status: null, response_sealed: null, created_at: iso(clock.now()) })
      .execute();
  }

  it('runs the request again once a claim whose change never committed is past its lease', async () => {
    const first = await c.api.post('/v1/api-keys', body, { headers: { 'idempotency-key': 'model-1' } });
    expect(first.status).toBe(201);
    await leftover('dead-1', 'in_progress', 'model-1');

    const early = await c.api.post('/v1/api-keys', body, { headers: { 'idempotency-key': 'dead-1' } });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('idempotency_key_in_use');
    expect(early.headers.get('prolope-should-retry')).toBe('true');

    clock.advance(CLAIM_LEASE_MS + 1);
    const retried = await c.api.post('/v1/api-keys', body, { headers: { 'idempotency-key': 'dead-1' } });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.id).not.toBe(first.body.id);
    expect(await keysNamed(body.name)).toBe(2);

    const again = await c.api.post('/v1/api-keys', body, { headers: { 'idempotency-key': 'dead-1' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(retried.body);
    expect(await keysNamed(body.name)).toBe(2);
  });

  it('never runs again a request whose change committed but whose answer was lost', async () => {
    await leftover('dead-2', 'applied', 'model-1');
    const before = await keysNamed(body.name);

    const early = await c.api.post('/v1/api-keys', body, { headers: { 'idempotency-key': 'dead-2' } });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('idempotency_key_in_use');

    clock.advance(CLAIM_LEASE_MS + 1);
    const late = await c.api.post('/v1/api-keys', body, { headers: { 'idempotency-key': 'dead-2' } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('idempotency_key_answer_lost');
    expect(late.headers.get('prolope-should-retry')).toBe('false');
    expect(await keysNamed(body.name)).toBe(before);
  });

  it("commits a claimed request's transaction only while the claim is still its own", async () => {
    const hooks = idempotencyHooks(db(), clock, secretBox(randomBytes(32)));
    const { id: keyId } = await db().selectFrom('api_keys').select('id').where('account_id', '=', c.accountId).executeTakeFirstOrThrow();
    const req = {
      method: 'POST',
      url: '/v1/contacts',
      body: { name: 'fenced' },
      headers: { 'idempotency-key': 'slow-1' },
      auth: { accountId: c.accountId, keyId },
    } as unknown as FastifyRequest;
    const reply = { sent: false, statusCode: 201 } as unknown as FastifyReply;
    const contact = (id: string) => ({
      id,
      account_id: c.accountId,
      name: 'fenced',
      email: 'fenced@example.com',
      phone: null,
      role: 'primary',
      can_open_incidents: 1,
      receives_notices: 1,
      created_at: iso(clock.now()),
      updated_at: iso(clock.now()),
    });
    const write = (id: string) => hooks.db.transaction().execute((tx) => tx.insertInto('contacts').values(contact(id)).execute());
    const contacts = async () => (await db().selectFrom('contacts').select('id').where('name', '=', 'fenced').execute()).map((r) => r.id);

    // The handler runs inside the hook's callback, as Fastify runs it.
    const outcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
      hooks.claim(req, reply, async (err) => {
        if (err) return reject(err);
        const first = await write('ctc_fenced_1').then(
          () => 'committed',
          (e: Error & { code?: string }) => e.code,
        );
        const { state } = await db().selectFrom('idempotency_keys').select(['state']).where('key', '=', 'slow-1').executeTakeFirstOrThrow();
        // A retry takes the claim over (the lease passed while this request was still running).
        await db().updateTable('idempotency_keys').set({ created_at: '2099-01-01T00:00:00.000Z' }).where('key', '=', 'slow-1').execute();
        const second = await write('ctc_fenced_2').then(
          () => 'committed',
          (e: Error & { code?: string }) => e.code,
        );
        // Once this request has answered, work it left running is no longer its change.
        await hooks.store(req, reply, '{}');
        const after = await write('ctc_fenced_3').then(
          () => 'committed',
          (e: Error & { code?: string }) => e.code,
        );
        resolve({ first, state, second, after });
      });
    });
    expect(outcome).toEqual({ first: 'committed', state: 'applied', second: 'idempotency_key_in_use', after: 'committed' });
    expect((await contacts()).sort()).toEqual(['ctc_fenced_1', 'ctc_fenced_3']);
    // The taker's claim is left alone by the first request's answer.
    const row = await db().selectFrom('idempotency_keys').selectAll().where('key', '=', 'slow-1').executeTakeFirstOrThrow();
    expect(row.created_at).toBe('2099-01-01T00:00:00.000Z');
    expect(row.response_status).toBeNull();
  });

  it('forgets a claim after a 5xx when nothing committed (a retry runs), and keeps it when the change did', async () => {
    const hooks = idempotencyHooks(db(), clock, secretBox(randomBytes(32)));
    const { id: keyId } = await db().selectFrom('api_keys').select('id').where('account_id', '=', c.accountId).executeTakeFirstOrThrow();
    const request = (key: string) =>
      ({
        method: 'POST',
        url: '/v1/contacts',
        body: { name: key },
        headers: { 'idempotency-key': key },
        auth: { accountId: c.accountId, keyId },
      }) as unknown as FastifyRequest;
    const failed = { sent: false, statusCode: 500 } as unknown as FastifyReply;
    const state = async (key: string) => (await db().selectFrom('idempotency_keys').select('state').where('key', '=', key).executeTakeFirst())?.state;
    /** Runs `handler` as Fastify would between the claim and the answer, which is a 500. */
    const run = (key: string, handler: () => Promise<unknown>) =>
      new Promise<void>((resolve, reject) => {
        const req = request(key);
        hooks.claim(req, failed, async (err) => {
          if (err) return reject(err);
          await handler();
          await hooks.store(req, failed, '{"status":500}');
          resolve();
        });
      });

    await run('five-1', async () => expect(await state('five-1')).toBe('in_progress'));
    expect(await state('five-1')).toBeUndefined();

    await run('five-2', () =>
      hooks.db.transaction().execute((tx) =>
        tx
          .updateTable('accounts')
          .set({ updated_at: iso(clock.now()) })
          .where('id', '=', c.accountId)
          .execute(),
      ),
    );
    expect(await state('five-2')).toBe('applied');
    clock.advance(CLAIM_LEASE_MS + 1);
    // A retry (the same request) may not run again: the change is made, its answer lost.
    const retried = await new Promise<unknown>((resolve) => hooks.claim(request('five-2'), failed, (err) => resolve(err)));
    expect(retried).toMatchObject({ code: 'idempotency_key_answer_lost' });
    // While after the forgotten one, a retry claims the key afresh and runs.
    const fresh = await new Promise<unknown>((resolve) => hooks.claim(request('five-1'), failed, (err) => resolve(err ?? 'claimed')));
    expect(fresh).toBe('claimed');
    expect(await state('five-1')).toBe('in_progress');
  });
});
