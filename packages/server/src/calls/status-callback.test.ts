import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '@prolope/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { type DeliverySetup, deliverySetup, START } from '../events/delivery/test-setup.js';
import { startReceiver, verifyOfficially } from '../events/delivery/test-receiver.js';
import type { Db } from '../store/db.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { createDatabase } from '../test/postgres.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { endCall, markAnswered, markRinging, openInboundCall } from './lifecycle.js';
import { subscribeStatusCallback } from './status-callback.js';
import type { CallRow } from './store.js';

const S = 1000;
// Fixed, so the server started again on the same store accepts it.
const OPERATOR_KEY = `pk_live_statusrestart${'0'.repeat(20)}`;

/** Answers with these statuses in turn, then 204. */
const statuses = (...list: number[]) => {
  const queue = [...list];
  return () => ({ status: queue.shift() ?? 204 });
};

interface CallDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
}

/**
 * A call through the real lifecycle with a status callback subscribed to it (as POST /v1/calls does
 * in the call's first transaction; here right after it, so `call.initiated` is not among its events).
 */
async function callWithCallback(deps: CallDeps, accountId: string, callback: { url: string; events: string[]; secret: string | undefined }) {
  const row = await openInboundCall(deps, {
    accountId,
    from: '+35929000001',
    to: '+35929000002',
    sipCallId: `${Math.random()}@test`,
    trunkId: null,
    numberId: null,
  });
  await deps.db.transaction().execute((tx) => subscribeStatusCallback(tx, deps, row, callback, deps.clock.now()));
  return row;
}

/** Rings, answers and hangs up the call: three status events, each with its outbox deliveries. */
async function runCall(deps: CallDeps, row: CallRow): Promise<void> {
  const ringing = await markRinging(deps, row, 180);
  const answered = await markAnswered(deps, ringing);
  await endCall(deps, answered, { by: 'caller', cause: 'normal' });
}

const typeOf = (body: string) => (JSON.parse(body) as { type: string }).type;

describe.each(storeKinds)('status callbacks through the outbox (%s)', (kind) => {
  let s: DeliverySetup;
  let deps: CallDeps;
  beforeAll(async () => {
    s = await deliverySetup(kind);
    deps = { db: s.t.server.store.db, clock: s.clock, secrets: s.t.server.secrets };
  });
  afterAll(async () => {
    await s?.close();
  });

  it('delivers each status of the call once, in order, one at a time, with the stored body, the voice user agent and a signature', async () => {
    const c = await s.t.customer();
    const secret = generateSecret();
    // The receiver holds each answer a little, so two sends of the call at once would overlap here.
    s.receiver.on('/status', async () => {
      await new Promise((r) => setImmediate(r));
      return { status: 204 };
    });
    const row = await callWithCallback(deps, c.accountId, {
      url: s.receiver.url('/status'),
      events: ['initiated', 'ringing', 'answered', 'completed'],
      secret,
    });
    await runCall(deps, row);

    expect(await s.worker.tick()).toBe(3);
    const got = s.receiver.at('/status');
    expect(got.map((r) => typeOf(r.body))).toEqual(['call.ringing', 'call.answered', 'call.completed']);
    expect(s.receiver.maxOpen.get('/status')).toBe(1);
    const stored = await deps.db
      .selectFrom('events')
      .select(['id', 'payload'])
      .where('object_id', '=', row.id)
      .where('type', '!=', 'call.initiated')
      .orderBy('id')
      .execute();
    expect(got.map((r) => r.body)).toEqual(stored.map((e) => e.payload));
    for (const [i, r] of got.entries()) {
      expect(r.headers['user-agent']).toBe('Prolope-Voice/1');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-id']).toBe(stored[i]?.id);
      expect(() => verifyOfficially(r, secret, s.clock.now())).not.toThrow();
    }
    // Durable like a webhook: every delivery recorded as succeeded, none left for later.
    const rows = await deps.db
      .selectFrom('event_deliveries')
      .innerJoin('call_subscriptions', 'call_subscriptions.id', 'event_deliveries.endpoint_id')
      .select(['event_deliveries.status', 'event_deliveries.attempts'])
      .where('call_subscriptions.call_id', '=', row.id)
      .execute();
    expect(rows).toEqual([
      { status: 'succeeded', attempts: 1 },
      { status: 'succeeded', attempts: 1 },
      { status: 'succeeded', attempts: 1 },
    ]);
    expect(await s.worker.tick()).toBe(0);
  });

  it('retries after a 500 on the webhook schedule (5 s), and a later status waits for the earlier one', async () => {
    const c = await s.t.customer();
    s.receiver.on('/flaky', statuses(500));
    const row = await callWithCallback(deps, c.accountId, {
      url: s.receiver.url('/flaky'),
      events: ['ringing', 'answered', 'completed'],
      secret: generateSecret(),
    });
    await runCall(deps, row);

    const t0 = s.clock.now();
    expect(await s.worker.tick()).toBe(1);
    expect(s.receiver.at('/flaky').map((r) => typeOf(r.body))).toEqual(['call.ringing']);
    // The later statuses are not due before the first one's retry.
    const waiting = await deps.db
      .selectFrom('event_deliveries')
      .innerJoin('call_subscriptions', 'call_subscriptions.id', 'event_deliveries.endpoint_id')
      .select(['event_deliveries.next_attempt_at'])
      .where('call_subscriptions.call_id', '=', row.id)
      .execute();
    expect(waiting.map((d) => d.next_attempt_at)).toEqual(Array(3).fill(new Date(t0.getTime() + 5 * S).toISOString()));
    s.clock.advance(5 * S - 1);
    expect(await s.worker.tick()).toBe(0);
    s.clock.advance(1);
    expect(await s.worker.tick()).toBe(3);
    expect(s.receiver.at('/flaky').map((r) => typeOf(r.body))).toEqual(['call.ringing', 'call.ringing', 'call.answered', 'call.completed']);
    // A status callback is no webhook endpoint: nothing marks one failing, and its tries are not an endpoint's attempts.
    expect(await deps.db.selectFrom('webhook_endpoints').select('id').where('account_id', '=', c.accountId).execute()).toEqual([]);
    const ringing = await deps.db
      .selectFrom('events')
      .select('id')
      .where('object_id', '=', row.id)
      .where('type', '=', 'call.ringing')
      .executeTakeFirstOrThrow();
    expect(await s.attempts(c, ringing.id)).toEqual([]);
  });

  it("sends only the statuses asked for, unsigned when the number has no voice application, and never to the account's other calls", async () => {
    const c = await s.t.customer();
    const row = await callWithCallback(deps, c.accountId, { url: s.receiver.url('/only'), events: ['completed'], secret: undefined });
    const other = await openInboundCall(deps, {
      accountId: c.accountId,
      from: '+35929000003',
      to: '+35929000004',
      sipCallId: 'other@test',
      trunkId: null,
      numberId: null,
    });
    await runCall(deps, row);
    await runCall(deps, other);

    expect(await s.worker.tick()).toBe(1);
    const got = s.receiver.at('/only');
    expect(got.map((r) => JSON.parse(r.body).data.object.id)).toEqual([row.id]);
    expect(got.map((r) => typeOf(r.body))).toEqual(['call.completed']);
    expect(got[0]?.headers['webhook-signature']).toBeUndefined();
    expect(got[0]?.headers['user-agent']).toBe('Prolope-Voice/1');
  });
});

describe.each(storeKinds)('status callbacks survive a restart (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-status-restart-'));
  let pg: Awaited<ReturnType<typeof createDatabase>> | undefined;
  let servers: TestServer[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const clock = manualClock(START);
  // Short, so that on PostgreSQL the claim the stopped server held runs out once the clock passes it.
  const lockMs = 2 * S;

  beforeAll(async () => {
    pg = kind === 'postgres' ? await createDatabase() : undefined;
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const t of servers) await t.close();
    await receiver?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const t = await startTestServer(kind, {
      clock,
      config: { dataDir, operatorKey: OPERATOR_KEY, ...(pg ? { databaseUrl: pg.url } : {}) },
      deliveries: { loop: false, lockMs, stopGraceMs: 0, random: () => 0.5 },
    });
    servers.push(t);
    return t;
  };

  it('a server stopped in the middle of a send leaves the deliveries to the next one on the same store, which sends them all, in order', async () => {
    const first = await start();
    const c = await first.customer();
    const deps = { db: first.server.store.db, clock, secrets: first.server.secrets };
    const secret = generateSecret();
    const row = await callWithCallback(deps, c.accountId, { url: receiver.url('/restart'), events: ['ringing', 'answered', 'completed'], secret });
    await runCall(deps, row);

    // The first server sends the first status and is stopped before the answer comes (its send is cut off, not recorded).
    let arrived: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    receiver.on('/restart', () => {
      arrived();
      return new Promise(() => undefined);
    });
    const ticking = first.server.deliveries.tick();
    await held;
    await first.close();
    servers = servers.filter((t) => t !== first);
    await ticking;
    receiver.on('/restart', () => ({ status: 204 }));

    const second = await start();
    clock.advance(lockMs + 1);
    expect(await second.server.deliveries.tick()).toBe(3);
    const got = receiver.at('/restart');
    expect(got.map((r) => typeOf(r.body))).toEqual(['call.ringing', 'call.ringing', 'call.answered', 'call.completed']);
    for (const r of got.slice(1)) expect(() => verifyOfficially(r, secret, clock.now())).not.toThrow();
    const left = await second.server.store.db
      .selectFrom('event_deliveries')
      .select('status')
      .where('endpoint_id', 'like', 'csub_%')
      .where('status', '!=', 'succeeded')
      .execute();
    expect(left).toEqual([]);
  });
});
