import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from './clock.js';
import type { Authenticator } from './http/auth.js';
import type { OperationId } from './generated/operation-ids.js';
import type { Db, StoreKind } from './store/db.js';

/** What every domain's routes get: the store, the clock and a few facts about the server. */
export interface Deps {
  db: Db;
  storeKind: StoreKind;
  clock: Clock;
  version: string;
  /** Key lookups; revocation tells it to forget a key at once. */
  auth: Authenticator;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** A domain's handlers, keyed by operationId from the spec. */
export type Handlers = Partial<Record<OperationId, Handler>>;
