import type { Deps } from '../deps.js';
import { subscribeToCall } from '../events/call-subscriptions.js';
import type { Tx } from '../store/db.js';
import { voiceSigningSecret } from '../numbers/voice-secret.js';
import type { CallRow } from './store.js';

/**
 * A call's `status_callback_url` as a subscription of the outbox (events/call-subscriptions.ts):
 * written in the call's first transaction, before `call.initiated`, so each wanted status event of the
 * call gets a durable delivery to it, signed like voice requests with the voice application secret of
 * the calling number (read once here; unsigned when the number has no voice application).
 */
export async function statusCallbackSecret(deps: Pick<Deps, 'db' | 'secrets'>, numberId: string | null): Promise<string | undefined> {
  return numberId ? voiceSigningSecret(deps, numberId) : undefined;
}

export async function subscribeStatusCallback(
  tx: Tx,
  deps: Pick<Deps, 'secrets'>,
  row: Pick<CallRow, 'id' | 'account_id'>,
  callback: { url: string; events: readonly string[]; secret: string | undefined },
  at: Date,
): Promise<void> {
  await subscribeToCall(tx, deps.secrets, {
    accountId: row.account_id,
    callId: row.id,
    url: callback.url,
    // The spec's statuses (`ringing`) are the events' types without the `call.` prefix.
    events: callback.events.map((e) => `call.${e}`),
    secret: callback.secret,
    at,
  });
}
