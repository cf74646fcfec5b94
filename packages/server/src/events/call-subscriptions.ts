import { iso } from '../clock.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db, Tx } from '../store/db.js';
import type { CallSubscriptionsTable } from '../store/schema.js';

/**
 * A call's status callback (`status_callback_url` on POST /v1/calls) as a delivery target of the
 * outbox: `recordEvent` gives each wanted event of the call a delivery to it, and the delivery worker
 * sends those like a webhook endpoint's (durable, retried on the same schedule, SSRF-guarded), one
 * at a time and oldest first, so the receiver sees a call's statuses in order.
 */
export type CallSubscriptionRow = CallSubscriptionsTable;

const PREFIX = 'csub_';

/** Whether a delivery's target (`endpoint_id`) is a call subscription rather than a webhook endpoint. */
export function isCallSubscription(targetId: string): boolean {
  return targetId.startsWith(PREFIX);
}

/** Status callbacks keep the user agent and signature they had before they rode the outbox. */
export const CALL_SUBSCRIPTION_USER_AGENT = 'Prolope-Voice/1';

function secretContext(id: string): string {
  return `call_subscription:${id}:signing_secret`;
}

export interface NewCallSubscription {
  accountId: string;
  callId: string;
  url: string;
  /** Event types, e.g. `call.initiated`. */
  events: readonly string[];
  /** The signing secret (the voice secret of the call's number); undefined: sent unsigned. */
  secret: string | undefined;
  at: Date;
}

/** Writes the subscription in the call's transaction, before its first event, so that event is delivered too. */
export async function subscribeToCall(tx: Tx, secrets: SecretBox, input: NewCallSubscription): Promise<string> {
  const id = newId('callSubscription', input.at);
  await tx
    .insertInto('call_subscriptions')
    .values({
      id,
      account_id: input.accountId,
      call_id: input.callId,
      url: input.url,
      method: 'POST',
      events: JSON.stringify(input.events),
      secret_sealed: input.secret === undefined ? null : secrets.seal(input.secret, secretContext(id)),
      created_at: iso(input.at),
    })
    .execute();
  return id;
}

/** The subscriptions of the call an event is about that want this event type (the outbox's targets). */
export async function subscriptionsFor(tx: Tx, callId: string, type: string): Promise<string[]> {
  const rows = await tx.selectFrom('call_subscriptions').select(['id', 'events']).where('call_id', '=', callId).execute();
  return rows.filter((r) => (JSON.parse(r.events) as string[]).includes(type)).map((r) => r.id);
}

export function findSubscription(db: Db, id: string): Promise<CallSubscriptionRow | undefined> {
  return db.selectFrom('call_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The secrets that sign its deliveries: the one it was created with, or none (unsigned). */
export function subscriptionSecrets(row: Pick<CallSubscriptionRow, 'id' | 'secret_sealed'>, secrets: SecretBox): string[] {
  return row.secret_sealed === null ? [] : [secrets.open(row.secret_sealed, secretContext(row.id))];
}
