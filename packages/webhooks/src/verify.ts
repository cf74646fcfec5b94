import { WebhookHeaderError, WebhookPayloadError, WebhookRawBodyError, WebhookSignatureError, WebhookTimestampError } from './errors.js';
import type { WebhookEvent } from './generated/events.js';
import { readWebhookHeaders, type WebhookHeadersInput } from './headers.js';
import { decodeSecrets } from './secret.js';
import { computeSignature, safeEqual } from './signature.js';
import { toUnixSeconds } from './unix-time.js';

/** Standard Webhooks' recommended window, in both directions. */
const DEFAULT_TOLERANCE = 300;

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

/**
 * Options of `verify()` and `verifyRequest()`.
 *
 * @example
 * ```ts
 * import type { VerifyOptions } from '@prolope/webhooks';
 *
 * const options: VerifyOptions = { tolerance: 60 };
 * ```
 */
export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from `now`, in either direction, in seconds. Default 300. */
  tolerance?: number;
  /** The current time, as a Date or unix seconds; for tests and replaying stored deliveries. Default: the system clock. */
  now?: Date | number;
}

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
  const payload = toPayload(rawBody);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
    throw new TypeError(`verify(): options.tolerance must be a number of seconds >= 0; got ${String(tolerance)}.`);
  }
  const now = options.now === undefined ? Math.floor(Date.now() / 1000) : toUnixSeconds(options.now, 'verify(): options.now');
  const keys = decodeSecrets(secret);
  const { 'webhook-id': id, 'webhook-timestamp': timestampHeader, 'webhook-signature': signatureHeader } = readWebhookHeaders(headers);

  if (!/^\d{1,15}$/.test(timestampHeader)) {
    throw new WebhookHeaderError(
      'invalid_header',
      ['webhook-timestamp'],
      `The webhook-timestamp header must be unix seconds (digits only); got ${JSON.stringify(timestampHeader.slice(0, 40))}.`,
    );
  }
  const signatures = parseSignatures(signatureHeader);

  // Signature before tolerance: a timestamp error then means an authentic but
  // stale delivery, so its message can honestly blame clocks or replays.
  const expected = keys.map((key) => computeSignature(key, id, timestampHeader, payload));
  if (!expected.some((candidate) => signatures.some((signature) => safeEqual(signature, candidate)))) {
    throw new WebhookSignatureError(
      `No signature in the webhook-signature header matches this body (tried ${keys.length} secret${keys.length > 1 ? 's' : ''} ` +
        `against ${signatures.length} v1 signature${signatures.length > 1 ? 's' : ''}). The usual causes: ` +
        '(1) the body was re-serialized or changed before verification (JSON.parse then JSON.stringify, a body parser, a proxy re-encoding it): verify the exact bytes received; ' +
        "(2) the secret is not this endpoint's: each endpoint has its own whsec_ secret, so check which endpoint this URL belongs to.",
    );
  }

  const timestamp = Number(timestampHeader);
  if (Math.abs(timestamp - now) > tolerance) throw new WebhookTimestampError(timestamp, now, tolerance);

  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as WebhookEvent;
  } catch (error) {
    throw new WebhookPayloadError(error);
  }
}

function toPayload(rawBody: unknown): string | Uint8Array {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  if (rawBody === undefined || rawBody === null) {
    throw new WebhookRawBodyError(`verify() received ${String(rawBody)} instead of the raw request body. ${RAW_BODY_GUIDE}`);
  }
  if (typeof rawBody === 'object') {
    throw new WebhookRawBodyError(
      'verify() received a parsed object instead of the raw request body: a body parser ran before verification, ' +
        `and serializing the object again does not reproduce the signed bytes. ${RAW_BODY_GUIDE} ` +
        "If you did add express.raw(), its type option must match the request's Content-Type (application/json).",
    );
  }
  throw new WebhookRawBodyError(`verify() received a ${typeof rawBody} instead of the raw request body. ${RAW_BODY_GUIDE}`);
}

function parseSignatures(header: string): string[] {
  const entries = header.split(/\s+/).filter(Boolean);
  const signatures: string[] = [];
  const versions = new Set<string>();
  for (const raw of entries) {
    // Repeated headers reach us joined with ", " (Node, fetch); base64 has no commas.
    const entry = raw.replace(/,+$/, '');
    const comma = entry.indexOf(',');
    const version = comma === -1 ? '' : entry.slice(0, comma);
    const signature = entry.slice(comma + 1);
    // Other versions (v1a is asymmetric) are skipped, as the spec requires.
    if (version === 'v1' && signature !== '') signatures.push(signature);
    else if (version !== '') versions.add(version);
  }
  if (signatures.length === 0) {
    throw new WebhookHeaderError(
      'invalid_header',
      ['webhook-signature'],
      'The webhook-signature header has no v1 signature; it must be space-separated "v1,<base64>" entries' +
        (versions.size > 0 ? ` (found only: ${[...versions].join(', ')}).` : '.'),
    );
  }
  return signatures;
}
