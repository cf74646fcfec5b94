import { manualClock } from '../../clock.js';
import type { StoreKind } from '../../store/db.js';
import { startTestServer, type TestServer } from '../../test/harness.js';
import { type UrlPolicy, urlPolicy } from '../../http/url-policy.js';
import { type DeliveryOptions, type DeliveryWorker, startDeliveryWorker } from './index.js';
import { type Receiver, startReceiver } from './test-receiver.js';

export const START = '2026-11-26T09:30:00.000Z';
export const devPolicy = urlPolicy({ development: true, webhookAllow: [] });

type Customer = Awaited<ReturnType<TestServer['customer']>>;

/**
 * A real server on a manual clock, a loopback receiver, and a delivery worker without its loop
 * (tests call tick()) and without jitter, so retries come due at exact times.
 */
export async function deliverySetup(kind: StoreKind) {
  const clock = manualClock(START);
  const t = await startTestServer(kind, { clock });
  const receiver = await startReceiver();
  const workers: DeliveryWorker[] = [];
  // What the worker could only log (a try it could not record, a failed claim): any is a test failure.
  const errors: string[] = [];
  const log = { error: (obj: object, msg: string) => errors.push(`${msg}: ${(obj as { err?: Error }).err?.message}`) };
  const workerWith = (options: DeliveryOptions = {}, policy: UrlPolicy = devPolicy) => {
    const deps = { db: t.server.store.db, storeKind: t.server.store.kind, events: t.server.store.events, clock, webhookPolicy: policy, secrets: t.server.secrets, log };
    const w = startDeliveryWorker(deps, { loop: false, random: () => 0.5, ...options });
    workers.push(w);
    return w;
  };
  const worker = workerWith();

  /** Creates an endpoint through the API pointing at the receiver's `path`; returns it with its secret. */
  async function endpoint(c: Customer, path: string, enabledEvents: string[] = ['*']) {
    const res = await c.api.post('/v1/webhook-endpoints', { url: receiver.url(path), enabled_events: enabledEvents });
    if (res.status !== 201) throw new Error(`could not create an endpoint: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; secret: string; url: string };
  }

  /** Triggers a sample event through the API and returns it as the API shows it. */
  async function trigger(c: Customer, type = 'call.completed') {
    const res = await c.api.post('/v1/events/trigger', { type });
    if (res.status !== 201) throw new Error(`could not trigger ${type}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; type: string };
  }

  const attempts = async (c: Customer, eventId: string) => (await c.api.get(`/v1/events/${eventId}/attempts`)).body.data as Array<Record<string, unknown>>;

  const deliveries = (endpointId: string) =>
    t.server.store.db.selectFrom('event_deliveries').select(['event_id', 'status', 'attempts']).where('endpoint_id', '=', endpointId).orderBy('id').execute();

  return {
    clock,
    t,
    receiver,
    worker,
    workerWith,
    endpoint,
    trigger,
    attempts,
    deliveries,
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await receiver.close();
      await t.close();
      if (errors.length > 0) throw new Error(`the delivery worker logged errors:\n${errors.join('\n')}`);
    },
  };
}

export type DeliverySetup = Awaited<ReturnType<typeof deliverySetup>>;
export type { Receiver };
