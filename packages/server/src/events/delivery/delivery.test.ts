import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { claimDeliveries } from './claim.js';
import { verifyOfficially } from './test-receiver.js';
import { type DeliverySetup, deliverySetup } from './test-setup.js';

/**
 * One delivery from a state change to a real receiver, on both stores: signed so the official
 * `standardwebhooks` package accepts it, the stored payload sent byte for byte, each try recorded
 * and listed by the API; redirects, timeouts and refused connections as failed tries.
 */
describe.each(storeKinds)('webhook delivery (%s)', (kind) => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends the stored payload signed with the event id, and records a succeeded attempt', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/basic');
    s.receiver.on('/basic', () => ({ status: 200, body: 'thanks' }));
    const event = await s.trigger(c);

    expect(await s.worker.tick()).toBe(1);
    const [got] = s.receiver.at('/basic');
    if (!got) throw new Error('nothing received');
    const stored = await s.t.server.store.db.selectFrom('events').select('payload').where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(got.body).toBe(stored.payload);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe(event.id);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(s.clock.now().getTime() / 1000)));
    expect(verifyOfficially(got, ep.secret, s.clock.now())).toEqual(event);

    const [attempt] = await s.attempts(c, event.id);
    expect(attempt).toMatchObject({
      object: 'event_attempt',
      event_id: event.id,
      endpoint_id: ep.id,
      attempt: 1,
      status: 'succeeded',
      response_status: 200,
      response_snippet: 'thanks',
      error: null,
      next_attempt_at: null,
      created_at: s.clock.now().toISOString(),
    });
    expect(attempt?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(await s.deliveries(ep.id)).toEqual([{ event_id: event.id, status: 'succeeded', attempts: 1 }]);

    // Delivered once: nothing is due any more.
    expect(await s.worker.tick()).toBe(0);
    expect(s.receiver.at('/basic')).toHaveLength(1);
  });

  it('keeps the first KiB of an answer as text', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/chatty');
    s.receiver.on('/chatty', () => ({ status: 202, body: 'é'.repeat(5000) }));
    const event = await s.trigger(c);
    await s.worker.tick();
    const [attempt] = await s.attempts(c, event.id);
    expect(attempt).toMatchObject({ status: 'succeeded', response_status: 202, response_snippet: 'é'.repeat(512) });
  });

  it('does not follow a redirect: the 3xx is a failed try and the target gets nothing', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/moved');
    s.receiver.on('/moved', () => ({ status: 302, headers: { location: s.receiver.url('/elsewhere') } }));
    const event = await s.trigger(c);
    await s.worker.tick();
    expect(s.receiver.at('/moved')).toHaveLength(1);
    expect(s.receiver.at('/elsewhere')).toHaveLength(0);
    const [attempt] = await s.attempts(c, event.id);
    expect(attempt).toMatchObject({
      status: 'failed',
      response_status: 302,
      error: `redirect to ${s.receiver.url('/elsewhere')} not followed`,
      next_attempt_at: new Date(s.clock.now().getTime() + 5000).toISOString(),
    });
  });

  it('records a refused connection and an answer that does not come in time', async () => {
    const c = await s.t.customer();
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const refused = await c.api.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${closedPort}/hooks` });
    const event = await s.trigger(c);
    await s.worker.tick();
    expect(await s.attempts(c, event.id)).toMatchObject([{ endpoint_id: refused.body.id, status: 'failed', response_status: null, error: 'ECONNREFUSED' }]);

    const d = await s.t.customer();
    await s.endpoint(d, '/silent');
    let answer: () => void = () => undefined;
    s.receiver.on('/silent', () => new Promise((resolve) => (answer = () => resolve({ status: 200 }))));
    const quick = s.workerWith({ timeoutMs: 200 });
    const late = await s.trigger(d);
    await quick.tick();
    answer();
    s.receiver.on('/silent', () => ({ status: 200 }));
    expect(await s.attempts(d, late.id)).toMatchObject([{ status: 'failed', response_status: null, error: 'timeout after 0.2 s', response_snippet: null }]);
  });

  it('takes over a delivery a crashed worker claimed once its lock has passed', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/orphan');
    const event = await s.trigger(c);
    // A worker claims it and dies before sending.
    const { rows: claimed } = await claimDeliveries(s.t.server.store.db, s.t.server.store.kind, ep.id, 8, s.clock.now(), 60_000);
    expect(claimed.map((d) => d.event_id)).toEqual([event.id]);
    expect(await s.worker.tick()).toBe(0);
    s.clock.advance(60_001);
    // Earlier tests' retries come due too; this one is sent once.
    await s.worker.tick();
    expect(s.receiver.at('/orphan').map((r) => r.headers['webhook-id'])).toEqual([event.id]);
  });
});

/**
 * The production loop: woken by the event bus after a commit rather than by tick(), and stop()
 * waiting for the send in flight; past its grace period it cuts the send off and leaves the row
 * locked, so it is sent again once the lock passes.
 */
describe('the delivery loop', () => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup('sqlite');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends an event as soon as it is recorded, and stop() waits for the send in flight', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/live');
    let arrived: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let answer: () => void = () => undefined;
    s.receiver.on('/live', () => {
      arrived();
      return new Promise((resolve) => (answer = () => resolve({ status: 200, body: 'late but fine' })));
    });
    const loop = s.workerWith({ loop: true });
    const event = await s.trigger(c);
    await arrival;
    const stopped = loop.stop();
    answer();
    await stopped;
    expect(await s.attempts(c, event.id)).toMatchObject([{ status: 'succeeded', response_snippet: 'late but fine' }]);
  });

  it('cuts off a send still in flight after the grace period; the delivery is sent again when its lock passes', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/stuck');
    let arrived: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    s.receiver.on('/stuck', () => {
      arrived();
      return new Promise(() => undefined);
    });
    const loop = s.workerWith({ loop: true, stopGraceMs: 50 });
    const event = await s.trigger(c);
    await arrival;
    await loop.stop();
    expect(await s.attempts(c, event.id)).toEqual([]);

    s.receiver.on('/stuck', () => ({ status: 204 }));
    expect(await s.worker.tick()).toBe(0);
    s.clock.advance(60_001);
    expect(await s.worker.tick()).toBe(1);
    expect(s.receiver.at('/stuck').map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(await s.attempts(c, event.id)).toMatchObject([{ attempt: 1, status: 'succeeded' }]);
  });
});
