import type { Clock } from './clock.js';
import type { Authenticator } from './http/auth.js';
import type { ObjectStore, RecordingStore } from './store/object-store.js';
import type { Db, StoreKind } from './store/db.js';
import type { EventBus } from './store/event-bus.js';
import type { ThisNode } from './this-node.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { SipEndpoint } from './sip-address.js';
import type { UrlPolicy } from './http/url-policy.js';

/** What every domain's routes get: the store, the clock and a few facts about the server. */
export interface Deps {
  db: Db;
  storeKind: StoreKind;
  /** The store's hints of new events (live streams wake on them). */
  events: EventBus;
  clock: Clock;
  version: string;
  /** Key lookups; revocation tells it to forget a key at once. */
  auth: Authenticator;
  /** Where recordings' audio is kept. */
  recordings: RecordingStore;
  /** Where export archives are kept (`<account id>/<export id>` keys). */
  exportFiles: ObjectStore;
  /** The API's public address for absolute URLs (`media_url`); else the address a request reached. */
  publicUrl?: string | undefined;
  /** Which addresses webhook endpoints may resolve to (SSRF rules). */
  webhookPolicy: UrlPolicy;
  /** This process's API address for other processes (live actions are forwarded to a call's owner). */
  node?: ThisNode | undefined;
  /** Prolope's public SIP address (trunks and health show it); its port is filled in once SIP listens. */
  sip: SipEndpoint;
  /** Seals and opens secrets Prolope must read back (carriers' digest passwords) with the server key. */
  secrets: SecretBox;
}

export type { Handler, Handlers } from './http/typed-handlers.js';
