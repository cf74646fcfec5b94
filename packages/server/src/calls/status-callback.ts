import { signHeaders } from '@prolope/webhooks';
import type { Deps } from '../deps.js';
import type { FetchLike } from '../http/safe-fetch.js';
import { voiceSigningSecret } from '../numbers/voice-secret.js';
import type { CallRow } from './store.js';

const TIMEOUT_MS = 10_000;
/** Three tries within about ten seconds: a status callback is a live signal, stale news helps nobody. */
const RETRY_DELAYS_MS = [0, 2_000, 8_000];

/** Per call, the sends in flight, so a receiver sees initiated → ringing → answered → completed in order. */
const chains = new Map<string, Promise<void>>();

/** Minimal logger shape (pino's fits). */
interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * Tells a call's `status_callback_url` about an event of the call (`call.ringing` → `ringing`), if the
 * call asked for it: the stored event body, signed like voice requests. Returns at once; the sends
 * of one call run one after another.
 */
export function reportStatus(
  deps: Pick<Deps, 'db' | 'secrets'> & { fetch?: FetchLike | undefined },
  row: Pick<CallRow, 'id' | 'status_callback_url' | 'status_callback_events' | 'phone_number_id'>,
  eventId: string,
  type: string,
  log?: Log,
): void {
  const url = row.status_callback_url;
  if (!url) return;
  const wanted = JSON.parse(row.status_callback_events ?? '[]') as string[];
  if (!wanted.includes(type.replace(/^call\./, ''))) return;
  const previous = chains.get(row.id) ?? Promise.resolve();
  const next = previous
    .then(() => send(deps, row, url, eventId))
    .catch((err) => log?.warn({ err, callId: row.id, url }, 'status callback not delivered'))
    .finally(() => {
      if (chains.get(row.id) === next) chains.delete(row.id);
    });
  chains.set(row.id, next);
}

/** Resolves when the status callbacks of a call sent so far are done (tests, shutdown). */
export function statusCallbacksSettled(callId: string): Promise<void> {
  return chains.get(callId) ?? Promise.resolve();
}

async function send(
  deps: Pick<Deps, 'db' | 'secrets'> & { fetch?: FetchLike | undefined },
  row: Pick<CallRow, 'phone_number_id'>,
  url: string,
  eventId: string,
): Promise<void> {
  const event = await deps.db.selectFrom('events').select(['payload']).where('id', '=', eventId).executeTakeFirst();
  if (!event) return;
  const secret = row.phone_number_id ? await voiceSigningSecret(deps, row.phone_number_id) : undefined;
  let last: unknown;
  for (const delay of RETRY_DELAYS_MS) {
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    try {
      const res = await (deps.fetch ?? fetch)(url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Prolope-Voice/1',
          ...(secret ? signHeaders({ id: eventId, payload: event.payload, secret }) : {}),
        },
        body: event.payload,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) return;
      last = new Error(`answered ${res.status}`);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
