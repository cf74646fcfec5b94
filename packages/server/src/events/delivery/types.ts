import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { Db, StoreKind } from '../../store/db.js';
import type { EventBus } from '../../store/event-bus.js';
import type { UrlPolicy } from '../../http/url-policy.js';

/** Where errors go that no request can report (a try that could not be recorded); pino and Fastify's logger fit. */
export interface DeliveryLog {
  error(obj: object, msg: string): void;
}

export interface DeliveryDeps {
  db: Db;
  storeKind: StoreKind;
  /** The store's hints of new events: the loop claims at once rather than at its next poll. */
  events: EventBus;
  /** Decides what is due and when retries are; never Date.now(). */
  clock: Clock;
  /** Checked against the address each delivery actually connects to. */
  webhookPolicy: UrlPolicy;
  /** Opens the endpoints' sealed signing secrets. */
  secrets: SecretBox;
  log?: DeliveryLog | undefined;
}

export interface DeliveryLimits {
  maxInFlight: number;
  perEndpoint: number;
  lockMs: number;
  random: () => number;
  scanEveryMs: number;
}

export interface DeliveryOptions {
  /** false: no timers and no event-bus wakeups; the caller drives it with tick() (tests with a manual clock). Default true. */
  loop?: boolean;
  /** Sends in flight at once in this process. Default 128 (PROLOPE_WEBHOOK_MAX_IN_FLIGHT). */
  maxInFlight?: number;
  /**
   * Requests in flight at once to one endpoint. Default 64 (PROLOPE_WEBHOOK_PER_ENDPOINT): a delivery's
   * cycle (claim, send, record) takes 15-30 ms on PostgreSQL here, so one busy endpoint needs about 40-60
   * in flight for 2,000 deliveries/s (bench/webhooks: 32 gave 1,800/s, 64 gave 2,180/s). A slow endpoint
   * still holds at most 64 of the 128 slots, so the others keep being served.
   */
  perEndpoint?: number;
  /** How long an endpoint has to answer (the 2xx within 15 s). */
  timeoutMs?: number;
  /** How long a claim holds a delivery; past it (a crash) another worker takes it. Longer than timeoutMs. */
  lockMs?: number;
  /** How often the loop looks for due deliveries without a hint (retries coming due, other processes' events). */
  pollMs?: number;
  /** How long stop() lets sends in flight finish before cutting them off. */
  stopGraceMs?: number;
  /**
   * While sends are in flight, how often at most the worker looks for endpoints it is not sending to
   * yet (a read that walks the due rows of the endpoints it skips). Default 50 ms; tests set it high
   * to see that nothing else starts that read.
   */
  scanEveryMs?: number;
  /** The jitter's random source, [0, 1); 0.5 means no jitter. Default Math.random. */
  random?: () => number;
}

export interface DeliveryWorker {
  /**
   * Claims and sends everything due at the clock's now, claiming again as slots free up, and
   * resolves once every try it started is recorded, with the number of tries made.
   */
  tick(): Promise<number>;
  /** Stops claiming and waits (bounded by stopGraceMs) for the sends in flight. */
  stop(): Promise<void>;
}
