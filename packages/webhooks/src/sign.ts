import type { WebhookHeaders } from './headers.js';
import { decodeSecrets } from './secret.js';
import { computeSignature } from './signature.js';
import { toUnixSeconds } from './unix-time.js';

/**
 * What `sign()` signs.
 *
 * @example
 * ```ts
 * import type { SignInput } from '@prolope/webhooks';
 *
 * const input: SignInput = { id: 'evt_123', timestamp: new Date(), payload: '{"id":"evt_123"}', secret: 'whsec_...' };
 * ```
 */
export interface SignInput {
  /** The message id, sent as `webhook-id`; Prolope uses the event id (`evt_...`). */
  id: string;
  /** When the delivery is sent: a Date or unix seconds. */
  timestamp: Date | number;
  /** The exact body that will be sent: sign the same string or bytes you put on the wire. */
  payload: string | Uint8Array;
  /** A `whsec_` secret, or several during a rotation (one signature each). */
  secret: string | readonly string[];
}

/**
 * Signs a payload and returns the `webhook-signature` header value:
 * `v1,<base64>`, or one such entry per secret, space-separated, when given
 * several secrets so receivers on either side of a rotation accept it.
 *
 * @example
 * ```ts
 * import { sign } from '@prolope/webhooks';
 *
 * const signature = sign({
 *   id: 'evt_123',
 *   timestamp: new Date(),
 *   payload: JSON.stringify(event),
 *   secret: [newSecret, oldSecret],
 * }); // 'v1,K5oZ... v1,bm9w...'
 * ```
 */
export function sign(input: SignInput): string {
  const { id, payload, secret } = input;
  if (typeof id !== 'string' || id === '' || /[\s\p{Cc}]/u.test(id)) {
    // Whitespace would be trimmed in transit and the receiver would sign a different id.
    throw new TypeError(`sign(): id must be a non-empty string without whitespace; got ${JSON.stringify(id)}.`);
  }
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new TypeError('sign(): payload must be the exact string or bytes you send. Serialize the event once (JSON.stringify) and send that same string.');
  }
  const timestamp = toUnixSeconds(input.timestamp, 'sign(): timestamp');
  return decodeSecrets(secret)
    .map((key) => `v1,${computeSignature(key, id, timestamp, payload)}`)
    .join(' ');
}

/**
 * What `signHeaders()` signs; like {@link SignInput} with `timestamp`
 * defaulting to now.
 *
 * @example
 * ```ts
 * import type { SignHeadersInput } from '@prolope/webhooks';
 *
 * const input: SignHeadersInput = { id: 'evt_123', payload: body, secret: 'whsec_...' };
 * ```
 */
export interface SignHeadersInput extends Omit<SignInput, 'timestamp'> {
  /** Defaults to now. */
  timestamp?: Date | number;
}

/**
 * Signs a payload and returns the three headers to send with it. For senders
 * (and tests) that post deliveries.
 *
 * @example
 * ```ts
 * import { signHeaders } from '@prolope/webhooks';
 *
 * const body = JSON.stringify(event);
 * await fetch(endpoint.url, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', ...signHeaders({ id: event.id, payload: body, secret }) },
 *   body,
 * });
 * ```
 */
export function signHeaders(input: SignHeadersInput): WebhookHeaders {
  const timestamp = toUnixSeconds(input.timestamp ?? new Date(), 'signHeaders(): timestamp');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign({ ...input, timestamp }),
  };
}
