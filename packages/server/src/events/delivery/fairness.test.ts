import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../../test/harness.js';
import { type DeliverySetup, deliverySetup } from './test-setup.js';

const EVENTS = 12;
// Below EVENTS, so the slow endpoint fills its slots and the rest wait (the default, 64, is above).
const PER_ENDPOINT = 8;

/**
 * One slow endpoint never delays the others: it gets its per-endpoint slots and no more, and the
 * worker keeps claiming for the fast one while the slow answers are held.
 */
describe.each(storeKinds)('delivery fairness (%s)', (kind) => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('delivers everything to a fast endpoint while a slow one holds its answers, within 8 at a time per endpoint', async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/slow', ['call.*']);
    await s.endpoint(c, '/fast', ['call.*']);
    // The slow endpoint answers once the fast one has had every event, or after 20 s: if the worker
    // waited on the slow one, the fast one would be behind and the order below would show it. (2 s
    // was too short on a loaded CI machine: the fast endpoint was still being served when it ran out.)
    let release: () => void = () => undefined;
    const fastDone = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fallback = setTimeout(release, 20_000);
    s.receiver.on('/fast', () => {
      if (s.receiver.at('/fast').length === EVENTS) release();
      return { status: 204 };
    });
    s.receiver.on('/slow', async () => {
      await fastDone;
      return { status: 204 };
    });
    for (let i = 0; i < EVENTS; i++) await s.trigger(c);

    expect(await s.workerWith({ perEndpoint: PER_ENDPOINT }).tick()).toBe(2 * EVENTS);
    clearTimeout(fallback);

    const lastFast = s.receiver.log.lastIndexOf('received /fast');
    const firstSlowAnswer = s.receiver.log.indexOf('answered /slow');
    expect(lastFast).toBeLessThan(firstSlowAnswer);
    expect(s.receiver.at('/fast')).toHaveLength(EVENTS);
    expect(s.receiver.at('/slow')).toHaveLength(EVENTS);
    // The slow endpoint had exactly its 8 slots while held; the fast one never more.
    expect(s.receiver.maxOpen.get('/slow')).toBe(PER_ENDPOINT);
    expect(s.receiver.maxOpen.get('/fast')).toBeLessThanOrEqual(PER_ENDPOINT);
  }, 60_000);

  it('keeps to the global limit across endpoints', async () => {
    const c = await s.t.customer();
    const paths = ['/g1', '/g2', '/g3'];
    for (const p of paths) await s.endpoint(c, p, ['call.*']);
    let open = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const p of paths) {
      s.receiver.on(p, async () => {
        most = Math.max(most, ++open);
        // Hold until the worker is full: 10 of the 3 × 6 deliveries.
        if (open === 10) release();
        await gate;
        open--;
        return { status: 204 };
      });
    }
    for (let i = 0; i < 6; i++) await s.trigger(c);
    expect(await s.workerWith({ maxInFlight: 10, perEndpoint: 4 }).tick()).toBe(18);
    expect(most).toBe(10);
  });
});
