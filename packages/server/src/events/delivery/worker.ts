import { setMaxListeners } from 'node:events';
import { iso } from '../../clock.js';
import { signingSecrets } from '../../webhook-endpoints/endpoint.js';
import { CALL_SUBSCRIPTION_USER_AGENT, findSubscription, isCallSubscription, subscriptionSecrets } from '../call-subscriptions.js';
import { type ClaimedRow, claimDeliveries, claimHead, type DeliveryRow, dueEndpoints } from './claim.js';
import type { Sender } from './send.js';
import { isSuccess } from './outcome.js';
import { type Success, settleAttempt, settleSuccesses } from './settle.js';
import type { DeliveryDeps, DeliveryLimits } from './types.js';

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

// Bounds one batch's statements (13 parameters per attempt row: 832 for 64, under SQLite's old 999).
const MAX_BATCH = 64;

/**
 * The endpoint's signing secrets opened once per claim rather than once per delivery (an AES-GCM
 * open each, seen in bench/webhooks profiles), and picked at each send's time as signingSecrets
 * does: the previous secret only while its rotation window lasts. It is opened only when valid at
 * the claim's time; a send's time is later, so one expired then is expired at the send too.
 */
function openedSecrets(endpoint: Parameters<typeof signingSecrets>[0], now: Date, secrets: DeliveryDeps['secrets']): (at: Date) => string[] {
  const [current, previous] = signingSecrets(endpoint, now, secrets) as [string, string | undefined];
  if (previous === undefined) return () => [current];
  const expires = new Date(endpoint.previous_secret_expires_at as string);
  return (at) => (expires > at ? [current, previous] : [current]);
}

/** What one round of claiming did: rows taken off the queue, and how many of them went out as tries. */
export interface FillResult {
  claimed: number;
  started: number;
}

/**
 * The worker's core without any timers: hand out free slots to endpoints with due deliveries, start
 * their sends, and record each try when it ends. At most `maxInFlight` sends at once and at most
 * `perEndpoint` per endpoint, so a slow endpoint fills its own slots and no more: claiming goes on
 * for the others while its sends wait.
 */
export function deliveryCore(deps: DeliveryDeps, limits: DeliveryLimits, sender: Sender) {
  const perEndpoint = new Map<string, number>();
  const sends = new Set<Promise<void>>();
  const stop = new AbortController();
  // Every send in flight listens to it (up to maxInFlight): not a leak, so no MaxListeners warning.
  setMaxListeners(0, stop.signal);
  let chain: Promise<unknown> = Promise.resolve();
  let onSettled: () => void = () => undefined;
  let stopping = false;

  // Successes waiting to be recorded together. One batch is written at a time: those ending while it
  // is written go in the next, so batches grow with the load and a lone success waits for nothing
  // but the current event-loop turn (setImmediate gathers the answers that arrived in it).
  const successes: { success: Success; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let writing = false;
  const writeSuccesses = async () => {
    while (successes.length > 0) {
      const batch = successes.splice(0, MAX_BATCH);
      try {
        await settleSuccesses(
          deps.db,
          deps.storeKind,
          batch.map((b) => b.success),
        );
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    writing = false;
  };
  const recordSuccess = (success: Success) =>
    new Promise<void>((resolve, reject) => {
      successes.push({ success, resolve, reject });
      if (writing) return;
      writing = true;
      setImmediate(writeSuccesses);
    });

  const refillAt = Math.ceil(limits.perEndpoint / 4);
  let lastScan = Number.NEGATIVE_INFINITY;
  const busy = (endpointId: string) => perEndpoint.get(endpointId) ?? 0;
  const adjust = (endpointId: string, by: number) => {
    const n = busy(endpointId) + by;
    if (n === 0) perEndpoint.delete(endpointId);
    else perEndpoint.set(endpointId, n);
  };

  function start(row: DeliveryRow, url: string, payload: string, secrets: (now: Date) => string[], userAgent?: string): void {
    adjust(row.endpoint_id, 1);
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      adjust(row.endpoint_id, -1);
    };
    const send: Promise<void> = (async () => {
      try {
        const now = deps.clock.now();
        const result = await sender.send({ url, eventId: row.event_id, payload, secrets: secrets(now), now, userAgent }, stop.signal);
        // Cut off by stop(): the row stays locked until locked_until and is sent again then.
        if (result.interrupted) return;
        // Failures go one by one: they may change the endpoint, schedule retries or disable it.
        if (isSuccess(result.responseStatus)) {
          // The endpoint's slot limits requests to it, and this one is over: the next send to it can
          // start while this try is recorded (its row stays locked until then, so none takes it
          // again). It still counts towards maxInFlight until recorded, which bounds the tries
          // waiting to be. A failure keeps its slot until recorded, so an endpoint that is failing
          // or gone gets no more requests before its state is written.
          release();
          onSettled();
          await recordSuccess({ delivery: row, result, now: deps.clock.now() });
        } else await settleAttempt(deps.db, deps.storeKind, row, result, deps.clock.now(), limits.random);
      } catch (err) {
        // The try is lost, not the delivery: it stays locked until locked_until and is sent again then.
        deps.log?.error({ err, delivery: row.id }, 'webhook delivery: could not record a try');
      }
    })().finally(() => {
      release();
      sends.delete(send);
      onSettled();
    });
    sends.add(send);
  }

  /** Claims what one endpoint may take now and starts sending it. */
  async function serve(endpointId: string, room: number, now: Date): Promise<FillResult> {
    if (isCallSubscription(endpointId)) {
      const rows = await claimHead(deps.db, endpointId, now, limits.lockMs);
      return rows.length === 0 ? { claimed: 0, started: 0 } : serveSubscription(endpointId, rows);
    }
    // The claim brought the payloads and the endpoint, read by the claim statement itself (claim.ts),
    // so a disable committed before the claim is seen here.
    const { rows, endpoint } = await claimDeliveries(deps.db, deps.storeKind, endpointId, room, now, limits.lockMs);
    if (rows.length === 0) return { claimed: 0, started: 0 };
    const unsendable = endpoint?.status === 'enabled' ? rows.filter((r) => r.payload === null) : rows;
    if (unsendable.length > 0) {
      // Disabled since the delivery was written: kept as `dropped` so recover can send it later.
      await deps.db
        .updateTable('event_deliveries')
        .set({ status: 'dropped', locked_until: null, updated_at: iso(now) })
        .where(
          'id',
          'in',
          unsendable.map((r) => r.id),
        )
        .where('status', '=', 'pending')
        .execute();
    }
    if (endpoint?.status !== 'enabled') return { claimed: rows.length, started: 0 };
    let keys: (at: Date) => string[];
    try {
      keys = openedSecrets(endpoint, now, deps.secrets);
    } catch (err) {
      // Sealed under another server key (processes sharing a database must share PROLOPE_SECRET_KEY):
      // nothing can be signed. The rows stay claimed until their lock runs out, then are tried again.
      deps.log?.error({ err, endpoint: endpointId }, "webhook delivery: the endpoint's signing secret cannot be opened; its deliveries wait");
      return { claimed: rows.length, started: 0 };
    }
    // Oldest first, as claimed (RETURNING keeps no order).
    rows.sort((a, b) => compare(a.next_attempt_at, b.next_attempt_at) || compare(a.id, b.id));
    let started = 0;
    for (const row of rows) {
      const { payload, ...delivery } = row;
      if (payload === null) continue;
      start(delivery, endpoint.url, payload, keys);
      started++;
    }
    return { claimed: rows.length, started };
  }

  /** A call's status callback: its one claimed delivery (claim.ts takes only the oldest), signed with its own secret. */
  async function serveSubscription(subscriptionId: string, rows: ClaimedRow[]): Promise<FillResult> {
    const subscription = await findSubscription(deps.db, subscriptionId);
    let secrets: string[] = [];
    try {
      if (subscription) secrets = subscriptionSecrets(subscription, deps.secrets);
    } catch (err) {
      deps.log?.error({ err, subscription: subscriptionId }, "webhook delivery: a status callback's signing secret cannot be opened; its deliveries wait");
      return { claimed: rows.length, started: 0 };
    }
    let started = 0;
    for (const { payload, ...row } of rows) {
      if (!subscription || payload === null) {
        // The call's data was deleted meanwhile (account deletion): nothing left to send.
        await deps.db
          .updateTable('event_deliveries')
          .set({ status: 'dropped', locked_until: null, updated_at: iso(deps.clock.now()) })
          .where('id', '=', row.id)
          .execute();
        continue;
      }
      start(row, subscription.url, payload, () => secrets, CALL_SUBSCRIPTION_USER_AGENT);
      started++;
    }
    return { claimed: rows.length, started };
  }

  async function fillOnce(forceScan: boolean): Promise<FillResult> {
    const total = { claimed: 0, started: 0 };
    if (stopping || sends.size >= limits.maxInFlight) return total;
    const now = deps.clock.now();
    // An endpoint with sends in flight waits until a few of its slots are free, so that a claim (a
    // few round trips) takes several rows rather than one per answer; those sends' ends call again.
    // Until then it counts as full, so the scan below looks past its backlog.
    // A status callback with its one send in flight is full: its later deliveries wait behind it.
    const full = new Set([...perEndpoint].filter(([id, n]) => (isCallSubscription(id) ? n >= 1 : limits.perEndpoint - n < refillAt)).map(([id]) => id));
    // Endpoints already being sent to are claimed for directly. The scan for others walks the due rows
    // past those of skipped endpoints, which under a backlog of one endpoint is the whole backlog: run on
    // every answer it cost PostgreSQL more than the deliveries themselves (bench/webhooks). So while
    // sends are in flight it runs at most every limits.scanEveryMs (50 ms); with none in flight, always (tick() ends
    // only after a scan has found nothing). That holds too when every endpoint being sent to is full:
    // scanning then on each answer (as an earlier version did) walked a lone busy endpoint's backlog
    // after nearly every delivery, the PostgreSQL backlog's largest cost (docs/bench.md, bench/webhooks).
    const serving = [...perEndpoint.keys()].filter((id) => !full.has(id));
    const scanNow = forceScan || sends.size === 0 || performance.now() - lastScan >= limits.scanEveryMs;
    if (scanNow) lastScan = performance.now();
    const scanned = scanNow ? await dueEndpoints(deps.db, now, limits.maxInFlight, full) : [];
    const endpoints = [...new Set([...serving, ...scanned])];
    for (const endpointId of endpoints) {
      // A status callback gets one send at a time, so its receiver sees the call's statuses in order.
      const room = Math.min((isCallSubscription(endpointId) ? 1 : limits.perEndpoint) - busy(endpointId), limits.maxInFlight - sends.size);
      if (room <= 0 || stopping) continue;
      const r = await serve(endpointId, room, now);
      total.claimed += r.claimed;
      total.started += r.started;
    }
    return total;
  }

  return {
    /** One claiming round; rounds never overlap, so two callers cannot both fill the same slots. */
    fill(forceScan = false): Promise<FillResult> {
      const run = chain.then(() => fillOnce(forceScan));
      chain = run.catch(() => undefined);
      return run;
    },
    sends,
    /** Called after each try is recorded (or lost): the production loop claims again. */
    set onSettled(fn: () => void) {
      onSettled = fn;
    },
    /** Stops claiming; sends in flight go on. */
    halt() {
      stopping = true;
    },
    /** Cuts off the sends in flight (stop() after its grace period). */
    abort() {
      stop.abort();
    },
    /** Settles when the claiming round under way, if any, is over. */
    idle: () => chain,
  };
}
