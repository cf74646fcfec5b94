import { iso } from '../clock.js';
import { newId } from '../ids.js';
import type { Tx } from '../store/db.js';

export interface EventInput {
  accountId: string;
  type: string;
  object: { id: string } & Record<string, unknown>;
  /** Fields beside `data.object` that some events carry (e.g. `digits` on call.gather.completed). */
  data?: Record<string, unknown>;
  at: Date;
}

/**
 * Writes an event row inside the caller's transaction, so an event exists exactly when its change
 * committed. Delivery (webhooks, the live stream) reads these rows later.
 */
export async function recordEvent(tx: Tx, input: EventInput): Promise<string> {
  const id = newId('event', input.at);
  const payload = {
    id,
    object: 'event',
    type: input.type,
    created_at: iso(input.at),
    account_id: input.accountId,
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
  return id;
}
