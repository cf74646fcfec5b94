import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { verifyOfficially } from './test-receiver.js';
import { type DeliverySetup, deliverySetup } from './test-setup.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const DAY = 24 * H;

/** Answers with these statuses in turn, then 200. */
const statuses = (...list: number[]) => {
  const queue = [...list];
  return () => ({ status: queue.shift() ?? 200 });
};

/**
 * Retries, Retry-After, 410, the 5-day disable and secret rotation, driven by a manual clock and
 * explicit ticks: nothing here waits for time to pass.
 */
describe.each(storeKinds)('webhook retries (%s)', (kind) => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  const endpointRow = (id: string) => s.t.server.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('retries after 5 s and then 5 min, not before; failing_since spans the failures and a success clears it', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/flaky');
    s.receiver.on('/flaky', statuses(500, 500));
    const event = await s.trigger(c);
    const t0 = s.clock.now();

    expect(await s.worker.tick()).toBe(1);
    expect((await endpointRow(ep.id)).failing_since).toBe(t0.toISOString());
    s.clock.advance(5 * S - 1);
    expect(await s.worker.tick()).toBe(0);
    s.clock.advance(1);
    expect(await s.worker.tick()).toBe(1);
    s.clock.advance(5 * M - 1);
    expect(await s.worker.tick()).toBe(0);
    s.clock.advance(1);
    expect(await s.worker.tick()).toBe(1);

    const got = s.receiver.at('/flaky');
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id, event.id]);
    // Each try is signed when it is sent.
    expect(() => verifyOfficially(got[2] as never, ep.secret, s.clock.now())).not.toThrow();
    expect((await endpointRow(ep.id)).failing_since).toBeNull();
    const attempts = (await s.attempts(c, event.id)).reverse();
    expect(attempts.map((a) => [a.attempt, a.status, a.response_status, a.next_attempt_at])).toEqual([
      [1, 'failed', 500, new Date(t0.getTime() + 5 * S).toISOString()],
      [2, 'failed', 500, new Date(t0.getTime() + 5 * S + 5 * M).toISOString()],
      [3, 'succeeded', 200, null],
    ]);
  });

  it('gives up after the seventh retry (about 28 h): the delivery is failed', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/down');
    s.receiver.on('/down', () => ({ status: 500 }));
    await s.trigger(c);
    for (const wait of [0, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]) {
      s.clock.advance(wait);
      await s.worker.tick();
    }
    expect(s.receiver.at('/down')).toHaveLength(8);
    expect(await s.deliveries(ep.id)).toMatchObject([{ status: 'failed', attempts: 8 }]);
    s.clock.advance(DAY);
    await s.worker.tick();
    expect(s.receiver.at('/down')).toHaveLength(8);
    // Under 5 days of failing: still enabled.
    expect((await endpointRow(ep.id)).status).toBe('enabled');
  });

  it('429 with Retry-After: 120 waits 120 s, not the schedule’s 5 s', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/busy');
    const answers = [{ status: 429, headers: { 'retry-after': '120' } }];
    s.receiver.on('/busy', () => answers.shift() ?? { status: 200 });
    const event = await s.trigger(c);
    await s.worker.tick();
    s.clock.advance(5 * S);
    await s.worker.tick();
    s.clock.advance(115 * S - 1);
    await s.worker.tick();
    expect(s.receiver.at('/busy')).toHaveLength(1);
    s.clock.advance(1);
    await s.worker.tick();
    expect(s.receiver.at('/busy')).toHaveLength(2);
    expect((await s.attempts(c, event.id)).map((a) => a.status)).toEqual(['succeeded', 'failed']);
  });

  it('503 with Retry-After as an HTTP date waits until that date', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/maintenance');
    // HTTP dates have whole seconds: ten minutes on, rounded up to the next second.
    const until = Math.ceil((s.clock.now().getTime() + 10 * M) / S) * S;
    const answers = [{ status: 503, headers: { 'retry-after': new Date(until).toUTCString() } }];
    s.receiver.on('/maintenance', () => answers.shift() ?? { status: 200 });
    const event = await s.trigger(c);
    await s.worker.tick();
    expect(s.receiver.at('/maintenance')).toHaveLength(1);
    s.clock.advance(5 * S);
    await s.worker.tick();
    s.clock.set(new Date(until - 1));
    await s.worker.tick();
    expect(s.receiver.at('/maintenance')).toHaveLength(1);
    s.clock.set(new Date(until));
    await s.worker.tick();
    expect(s.receiver.at('/maintenance')).toHaveLength(2);
    expect((await s.attempts(c, event.id)).map((a) => [a.status, a.response_status])).toEqual([
      ['succeeded', 200],
      ['failed', 503],
    ]);
  });

  it('410 disables the endpoint at once, drops its other deliveries and tells the other endpoints', async () => {
    const c = await s.t.customer();
    const gone = await s.endpoint(c, '/gone', ['call.*']);
    const watcher = await s.endpoint(c, '/watcher', ['webhook_endpoint.disabled']);
    s.receiver.on('/gone', () => ({ status: 410 }));
    const events = [await s.trigger(c), await s.trigger(c), await s.trigger(c)];
    // One at a time to this endpoint, so the first answer decides before the others are sent.
    await s.workerWith({ perEndpoint: 1 }).tick();

    expect(s.receiver.at('/gone').map((r) => r.headers['webhook-id'])).toEqual([events[0]?.id]);
    const endpoint = (await c.api.get(`/v1/webhook-endpoints/${gone.id}`)).body;
    expect(endpoint).toMatchObject({ status: 'disabled', disabled_reason: 'gone' });
    expect((await s.deliveries(gone.id)).map((d) => d.status)).toEqual(['failed', 'dropped', 'dropped']);

    const disabled = (await c.api.get('/v1/events?type=webhook_endpoint.disabled')).body.data;
    expect(disabled).toHaveLength(1);
    expect(disabled[0].data.object).toEqual(endpoint);
    const [told] = s.receiver.at('/watcher');
    if (!told) throw new Error('the other endpoint was not told');
    expect(verifyOfficially(told, watcher.secret, s.clock.now())).toEqual(disabled[0]);
    expect((await s.attempts(c, events[0]?.id as string))[0]).toMatchObject({ status: 'failed', response_status: 410, next_attempt_at: null });
  });

  it('disables an endpoint failing for more than 5 days at its next failure', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/dead', ['call.*']);
    await s.endpoint(c, '/watcher-2', ['webhook_endpoint.*']);
    s.receiver.on('/dead', () => ({ status: 503 }));
    const t0 = s.clock.now();
    await s.trigger(c);
    await s.worker.tick();
    expect((await endpointRow(ep.id)).failing_since).toBe(t0.toISOString());

    s.clock.set(new Date(t0.getTime() + 4 * DAY));
    await s.trigger(c);
    await s.worker.tick();
    expect(await endpointRow(ep.id)).toMatchObject({ status: 'enabled', failing_since: t0.toISOString() });

    s.clock.set(new Date(t0.getTime() + 5 * DAY + 1));
    await s.trigger(c);
    await s.worker.tick();
    expect(await endpointRow(ep.id)).toMatchObject({ status: 'disabled', disabled_reason: 'failing' });
    const [told] = s.receiver.at('/watcher-2');
    expect(JSON.parse(told?.body ?? '{}')).toMatchObject({ type: 'webhook_endpoint.disabled', data: { object: { id: ep.id, disabled_reason: 'failing' } } });
    // Its retries still pending from the day-4 event are dropped, not sent.
    s.clock.advance(DAY);
    const before = s.receiver.at('/dead').length;
    await s.worker.tick();
    expect(s.receiver.at('/dead')).toHaveLength(before);
    expect((await s.deliveries(ep.id)).map((d) => d.status)).not.toContain('pending');
  });

  it('signs with both secrets for the 24 h after a rotation, then with the new one only', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/rotating');
    const rotated = (await c.api.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`)).body as { secret: string };
    await s.trigger(c);
    await s.worker.tick();
    const [during] = s.receiver.at('/rotating');
    if (!during) throw new Error('nothing received');
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => verifyOfficially(during, ep.secret, s.clock.now())).not.toThrow();
    expect(() => verifyOfficially(during, rotated.secret, s.clock.now())).not.toThrow();

    s.clock.advance(DAY + 1);
    await s.trigger(c);
    await s.worker.tick();
    const after = s.receiver.at('/rotating')[1];
    if (!after) throw new Error('nothing received');
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifyOfficially(after, rotated.secret, s.clock.now())).not.toThrow();
    expect(() => verifyOfficially(after, ep.secret, s.clock.now())).toThrow('No matching signature found');
  });
});
