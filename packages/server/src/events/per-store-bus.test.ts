import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { type Receiver, startReceiver } from './delivery/test-receiver.js';

// An hour: a delivery that arrives during the test was woken by its store's event hint, not by a poll.
const NO_POLL_MS = 3_600_000;

/**
 * Two servers in one process, each with its own store: the hint of an event written through one
 * store reaches that server's delivery worker (which sends at once) and never the other server.
 */
describe.each(storeKinds)('event hints belong to their store (%s)', (kind) => {
  let a: TestServer;
  let b: TestServer;
  let receiver: Receiver;
  const heardByA: string[] = [];
  const heardByB: string[] = [];
  const unsubscribe: Array<() => unknown> = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startTestServer(kind, { deliveries: { pollMs: NO_POLL_MS } }),
      startTestServer(kind, { deliveries: { pollMs: NO_POLL_MS } }),
    ]);
    receiver = await startReceiver();
    unsubscribe.push(a.server.store.events.subscribe((account) => heardByA.push(account)));
    unsubscribe.push(b.server.store.events.subscribe((account) => heardByB.push(account)));
  });
  afterAll(async () => {
    for (const off of unsubscribe) off();
    await receiver?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it("wakes its own server's worker and no other server", async () => {
    const c = await a.customer();
    const ep = await c.api.post('/v1/webhook-endpoints', { url: receiver.url('/hinted'), enabled_events: ['call.completed'] });
    expect(ep.status).toBe(201);
    const arrived = new Promise<void>((resolve) =>
      receiver.on('/hinted', () => {
        resolve();
        return { status: 204 };
      }),
    );

    const event = await c.api.post('/v1/events/trigger', { type: 'call.completed' });
    expect(event.status).toBe(201);
    await arrived;

    expect(receiver.at('/hinted').map((r) => JSON.parse(r.body).id)).toEqual([event.body.id]);
    expect(heardByA).toContain(c.accountId);
    // B's listener would have run by now: A's hint ran before A's worker claimed the delivery.
    expect(heardByB).toEqual([]);
  });

  it('hints every account a multi-row INSERT into events carries, once each', async () => {
    const [c1, c2] = [await b.customer(), await b.customer()];
    heardByB.length = 0;
    const at = new Date().toISOString();
    const row = (id: string, account: string) => ({ id, account_id: account, type: 'call.completed', object_id: 'call_x', payload: '{}', created_at: at });
    const heard = new Promise<void>((resolve) => {
      const off = b.server.store.events.subscribe(() => {
        if (heardByB.length >= 2) {
          off();
          resolve();
        }
      });
    });
    await b.server.store.db
      .insertInto('events')
      .values([row(`evt_hint_1_${kind}`, c1.accountId), row(`evt_hint_2_${kind}`, c2.accountId), row(`evt_hint_3_${kind}`, c1.accountId)])
      .execute();
    await heard;
    // Hints run on setImmediate: one more turn lets a (wrong) third hint of the same insert show.
    await new Promise(setImmediate);
    expect(heardByB.sort()).toEqual([c1.accountId, c2.accountId].sort());
  });
});
