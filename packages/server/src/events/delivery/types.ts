import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { Db, StoreKind } from '../../store/db.js';
import type { UrlPolicy } from '../../http/url-policy.js';

/** Where errors go that no request can report (a try that could not be recorded); pino and Fastify's logger fit. */
export interface DeliveryLog {
  error(obj: object, msg: string): void;
}

export interface DeliveryDeps {
  db: Db;
  storeKind: StoreKind;
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
}
