import { iso } from '../clock.js';
import type { EventMap, EventType } from '../http/contract.js';
import { newId } from '../ids.js';
import type { Tx } from '../store/db.js';
import { subscriptionsFor } from './call-subscriptions.js';
import { matchesAny } from './filters.js';

type EventData<T extends EventType> = EventMap[T]['data'];

/** An event as the spec's webhooks describe it: `object` (and any other `data` field) has the type's schema. */
export interface EventInput<T extends EventType = EventType> {
  accountId: string;
  type: T;
  object: EventData<T>['object'];
  /** Fields beside `data.object` that some events carry (e.g. `digits` on call.gather.completed). */
  data?: Omit<EventData<T>, 'object'>;
  /** A sample from `POST /v1/events/trigger`, not a real change. */
  triggered?: boolean;
  at: Date;
}

/**
 * Writes an event row inside the caller's transaction, so an event exists exactly when its change
 * committed, and in the same transaction one pending delivery per enabled webhook endpoint of the
 * account whose filters match (the outbox): the delivery worker sends them, and nothing is lost
 * when the process dies between the commit and the send. The INSERT into `events` hints the store's
 * event bus (store/event-hints.ts), which wakes the delivery worker and live streams.
 */
export async function recordEvent<T extends EventType>(tx: Tx, input: EventInput<T>): Promise<string> {
  const id = newId('event', input.at);
  const payload = {
    id,
    object: 'event',
    type: input.type,
    created_at: iso(input.at),
    account_id: input.accountId,
    ...(input.triggered ? { triggered: true } : {}),
    data: { ...input.data, object: input.object },
  };
  await tx
    .insertInto('events')
    .values({
      id,
      account_id: input.accountId,
      type: input.type,
      object_id: input.object.id,
      payload: JSON.stringify(payload),
      created_at: payload.created_at,
    })
    .execute();
  const endpoints = await tx.selectFrom('webhook_endpoints').select(['id', 'enabled_events', 'status']).where('account_id', '=', input.accountId).execute();
  const targets = endpoints.filter((e) => matchesAny(JSON.parse(e.enabled_events) as string[], input.type));
  // A call's status callback is a target too (events/call-subscriptions.ts), never disabled.
  if (input.type.startsWith('call.') && !input.triggered) {
    for (const sub of await subscriptionsFor(tx, input.object.id, input.type)) targets.push({ id: sub, enabled_events: '[]', status: 'enabled' });
  }
  if (targets.length > 0) {
    await tx
      .insertInto('event_deliveries')
      .values(
        targets.map((e) => ({
          id: newId('delivery', input.at),
          account_id: input.accountId,
          event_id: id,
          endpoint_id: e.id,
          // A disabled endpoint gets a `dropped` row: `recover` can send it once the endpoint is enabled again.
          status: e.status === 'enabled' ? 'pending' : 'dropped',
          attempts: 0,
          next_attempt_at: payload.created_at,
          locked_until: null,
          created_at: payload.created_at,
          updated_at: payload.created_at,
        })),
      )
      .execute();
  }
  return id;
}
