import { WebhookHeaderError, type WebhookHeaderName } from './errors.js';

// A type alias, not an interface: only aliases are assignable to index
// signatures, so the result fits `Record<string, string>` (fetch headers) and
// WebhookHeadersInput.
/**
 * The three Standard Webhooks headers of a delivery, as `signHeaders()`
 * returns them and as they travel on the wire.
 *
 * @example
 * ```ts
 * import type { WebhookHeaders } from '@prolope/webhooks';
 *
 * const headers: WebhookHeaders = {
 *   'webhook-id': 'evt_123',
 *   'webhook-timestamp': '1764149400',
 *   'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
 * };
 * ```
 */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Request headers in any common shape: a fetch `Headers`, Node's
 * `IncomingHttpHeaders` (`req.headers` in node:http, Express and Fastify), or
 * a plain object whose keys may be in any case.
 *
 * @example
 * ```ts
 * import type { WebhookHeadersInput } from '@prolope/webhooks';
 *
 * const fromFetch: WebhookHeadersInput = request.headers;
 * const fromNode: WebhookHeadersInput = req.headers;
 * const plain: WebhookHeadersInput = { 'Webhook-Id': 'evt_123' };
 * ```
 */
export type WebhookHeadersInput = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

const NAMES: readonly WebhookHeaderName[] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

/** Reads the three headers, throwing `missing_header` naming every one that is absent. */
export function readWebhookHeaders(input: WebhookHeadersInput): WebhookHeaders {
  if (typeof input !== 'object' || input === null) {
    throw new WebhookHeaderError(
      'missing_header',
      NAMES,
      `verify() received ${input === null ? 'null' : `a ${typeof input}`} instead of the request headers. Pass req.headers (node:http, Express, Fastify) or request.headers (fetch).`,
    );
  }
  const values = NAMES.map((name) => lookup(input, name));
  const missing = NAMES.filter((_, index) => values[index] === undefined);
  if (missing.length > 0) {
    const found = NAMES.filter((name) => !missing.includes(name));
    throw new WebhookHeaderError(
      'missing_header',
      missing,
      `The request has no ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}` +
        (found.length > 0 ? ` (it has ${found.join(', ')})` : '') +
        '. Pass all the request headers as received (req.headers or request.headers), and check that no proxy in front of this server drops them. ' +
        'Requests without them were not sent by Prolope.',
    );
  }
  const [id, timestamp, signature] = values as [string, string, string];
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature,
  };
}

function lookup(input: WebhookHeadersInput, name: WebhookHeaderName): string | undefined {
  let value: unknown;
  if (typeof input.get === 'function') {
    value = (input as { get(name: string): string | null }).get(name);
  } else {
    const record = input as Readonly<Record<string, unknown>>;
    value = record[name];
    if (value === undefined) {
      const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
      if (key !== undefined) value = record[key];
    }
  }
  if (Array.isArray(value)) {
    // A repeated signature header still lists signatures; for the others the
    // first value is what a sender would have meant.
    value = name === 'webhook-signature' ? value.join(' ') : value[0];
  }
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
