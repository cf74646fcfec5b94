import { WebhookPayloadError, WebhookRawBodyError } from './errors.js';
import type { WebhookEvent } from '@prolope/contract/events';
import type { WebhookHeadersInput } from './headers.js';
import { type VerifyOptions, verifySignature } from './verify-signature.js';

export type { VerifyOptions };

/**
 * A request body exactly as received: the bytes, or their UTF-8 text.
 *
 * @example
 * ```ts
 * import type { RawBody } from '@prolope/webhooks';
 *
 * const body: RawBody = await readRawBody(req);
 * ```
 */
export type RawBody = string | Uint8Array | ArrayBuffer;

const RAW_BODY_GUIDE =
  'Pass the body exactly as received, as a string, Buffer or Uint8Array: in node:http, await readRawBody(req); ' +
  "in Express, add express.raw({ type: 'application/json' }) to the webhook route (before any express.json()) and pass req.body; " +
  "in Fastify, call registerRawJson(scope) (a content-type parser with parseAs: 'buffer') in the webhook route's plugin and pass request.body.";

/**
 * Verifies a delivery and returns its event. Checks, in order: that the body
 * is raw, the secret(s), the three headers, the signature (constant time; any
 * of several secrets and any of several signatures may match), the timestamp
 * tolerance, and finally parses the JSON.
 *
 * @throws {WebhookVerificationError} a subclass whose `code` says what is wrong and whose message says how to fix it.
 *
 * @example
 * ```ts
 * import { verify, readRawBody } from '@prolope/webhooks';
 *
 * const event = verify(await readRawBody(req), req.headers, process.env.PROLOPE_WEBHOOK_SECRET!);
 * if (event.type === 'api_key.created') console.log(event.data.object.name);
 * ```
 */
export function verify(rawBody: RawBody, headers: WebhookHeadersInput, secret: string | readonly string[], options: VerifyOptions = {}): WebhookEvent {
  const payload = toPayload(rawBody, 'verify()');
  verifySignature(payload, headers, secret, options, 'verify()', EVENT_HINTS);
  return parseJson(payload) as WebhookEvent;
}

const EVENT_HINTS = {
  payload:
    'the body was re-serialized or changed before verification (JSON.parse then JSON.stringify, a body parser, a proxy re-encoding it): verify the exact bytes received',
  // Each webhook endpoint signs with its own secret: the likeliest wrong secret is another endpoint's.
  secret: "the secret is not this endpoint's: each endpoint has its own whsec_ secret, so check which endpoint this URL belongs to",
};

/** The payload as JSON; a signed body that is not JSON is still an error the caller must see. */
export function parseJson(payload: string | Uint8Array): unknown {
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WebhookPayloadError(error);
  }
}

/** The raw body as bytes or text; anything else (a parsed object, nothing) throws with the fix. */
export function toPayload(rawBody: unknown, fn: string): string | Uint8Array {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  if (rawBody === undefined || rawBody === null) {
    throw new WebhookRawBodyError(`${fn} received ${String(rawBody)} instead of the raw request body. ${RAW_BODY_GUIDE}`);
  }
  if (typeof rawBody === 'object') {
    throw new WebhookRawBodyError(
      `${fn} received a parsed object instead of the raw request body: a body parser ran before verification, ` +
        `and serializing the object again does not reproduce the signed bytes. ${RAW_BODY_GUIDE} ` +
        "If you did add express.raw(), its type option must match the request's Content-Type (application/json).",
    );
  }
  throw new WebhookRawBodyError(`${fn} received a ${typeof rawBody} instead of the raw request body. ${RAW_BODY_GUIDE}`);
}
