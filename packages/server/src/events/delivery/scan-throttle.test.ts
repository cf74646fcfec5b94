import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventInput, recordEvent } from '../outbox.js';
import { storeKinds } from '../../test/harness.js';
import { startDeliveryWorker } from './index.js';
import { type DeliverySetup, deliverySetup, devPolicy } from './test-setup.js';

const DELIVERIES = 40;
const PER_ENDPOINT = 8;

/** Counts the worker's reads of due rows (dueEndpoints: the one top-level select of event_deliveries it makes). */
function scanCounter(whileHeld: () => boolean) {
  const counter = { scans: 0, scansWhileHeld: 0 };
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"event_deliveries"')) {
        counter.scans++;
        if (whileHeld()) counter.scansWhileHeld++;
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { counter, plugin };
}

/**
 * The scan for endpoints the worker is not sending to yet walks the due rows of those it skips: under
 * one endpoint's backlog, all of them. While sends are in flight it is throttled, also when every
 * endpoint being sent to is full (an earlier worker scanned on every answer then, which was most of
 * the PostgreSQL backlog's cost in bench/webhooks). Here a second endpoint holds its answers, so sends
 * are in flight throughout and both endpoints are full most of the time; with the throttle set to an
 * hour, the only scans left are those made with nothing in flight: none while the held endpoint has
 * all its slots open at the receiver. (Counting every scan instead made the test depend on the
 * machine: on a loaded CI run the held answers were let go by the fallback before /one was done,
 * and the scans made with nothing in flight after that were counted too.)
 */
describe.each(storeKinds)('delivery scan throttle (%s)', (kind) => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`delivers ${DELIVERIES} events to a full endpoint, ${PER_ENDPOINT} at a time, scanning only with nothing in flight`, async () => {
    const c = await s.t.customer();
    await s.endpoint(c, '/held', ['call.answered']);
    await s.endpoint(c, '/one', ['call.completed']);
    const record = (type: string, n: number) =>
      s.t.server.store.db.transaction().execute(async (tx) => {
        for (let i = 0; i < n; i++) {
          // A stub call: the claiming is tested, not the payload.
          const input = { accountId: c.accountId, type, object: { id: `call_${type}_${i}`, object: 'call' }, at: s.clock.now() };
          await recordEvent(tx, input as unknown as EventInput);
        }
      });
    await record('call.answered', PER_ENDPOINT);
    await record('call.completed', DELIVERIES);
    // /held answers once /one has had everything, or after 45 s so that a broken worker fails the counts
    // below rather than hangs (long, since a release before /one is done would allow more scans: on a
    // loaded machine a run took over 10 s).
    let release: () => void = () => undefined;
    const oneDone = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fallback = setTimeout(release, 45_000);
    let heldOpen = 0;
    let released = false;
    void oneDone.then(() => {
      released = true;
    });
    s.receiver.on('/held', async () => {
      heldOpen++;
      await oneDone;
      heldOpen--;
      return { status: 204 };
    });
    s.receiver.on('/one', () => {
      if (s.receiver.at('/one').length === DELIVERIES) release();
      return { status: 204 };
    });

    const { counter, plugin } = scanCounter(() => heldOpen === PER_ENDPOINT && !released);
    const deps = {
      db: s.t.server.store.db.withPlugin(plugin),
      storeKind: s.t.server.store.kind,
      events: s.t.server.store.events,
      clock: s.clock,
      webhookPolicy: devPolicy,
      secrets: s.t.server.secrets,
    };
    // The held requests must not time out before their release (a timed-out send frees its slot and the
    // worker scans again): CI's loaded run took over 15 s, the default answer time, and counted 7 scans.
    const worker = startDeliveryWorker(deps, { loop: false, random: () => 0.5, perEndpoint: PER_ENDPOINT, scanEveryMs: 3_600_000, timeoutMs: 60_000 });
    try {
      expect(await worker.tick()).toBe(DELIVERIES + PER_ENDPOINT);
    } finally {
      clearTimeout(fallback);
      await worker.stop();
    }
    expect(s.receiver.at('/one')).toHaveLength(DELIVERIES);
    expect(s.receiver.maxOpen.get('/held')).toBe(PER_ENDPOINT);
    // The first finds both endpoints, and once all is sent tick() reads again before it returns; while
    // /held had all its slots open (sends in flight throughout), never. The worker this replaced
    // scanned after nearly every /one answer then.
    expect(released).toBe(true);
    expect(counter.scans).toBeGreaterThanOrEqual(2);
    expect(counter.scansWhileHeld).toBe(0);
  }, 90_000);
});
