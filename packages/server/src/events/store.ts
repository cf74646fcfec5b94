import type { Db, Tx } from '../store/db.js';
import type { EventsTable } from '../store/schema.js';

export interface EventFilters {
  type?: string | undefined;
  objectId?: string | undefined;
  createdGte?: string | undefined;
  createdLt?: string | undefined;
}

/** The account's events, newest first; `type` may be `call.*` (a prefix) or `*`. */
export async function listEvents(db: Db, accountId: string, filters: EventFilters, limit: number, startingAfter?: string): Promise<EventsTable[]> {
  const { type } = filters;
  return (
    db
      .selectFrom('events')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(!!type && type !== '*' && !type.endsWith('.*'), (q) => q.where('type', '=', type as string))
      // `call.*`: every type from `call.` up to (not including) `call/`, the next string after the dot; no LIKE wildcards to escape.
      .$if(!!type && type !== '*' && type.endsWith('.*'), (q) =>
        q.where('type', '>=', (type as string).slice(0, -1)).where('type', '<', `${(type as string).slice(0, -2)}/`),
      )
      .$if(!!filters.objectId, (q) => q.where('object_id', '=', filters.objectId as string))
      .$if(!!filters.createdGte, (q) => q.where('created_at', '>=', filters.createdGte as string))
      .$if(!!filters.createdLt, (q) => q.where('created_at', '<', filters.createdLt as string))
      .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
  );
}

export async function findEvent(db: Db | Tx, accountId: string, id: string): Promise<EventsTable | undefined> {
  return db.selectFrom('events').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listAttempts(db: Db, eventId: string, endpointId: string | undefined, limit: number, startingAfter?: string) {
  return (
    db
      .selectFrom('event_attempts')
      .selectAll()
      .where('event_id', '=', eventId)
      // Tries to a call's status callback (events/call-subscriptions.ts) are not a webhook endpoint's: the spec's attempts name endpoints only.
      .where('endpoint_id', 'not like', 'csub_%')
      .$if(!!endpointId, (q) => q.where('endpoint_id', '=', endpointId as string))
      .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
  );
}
