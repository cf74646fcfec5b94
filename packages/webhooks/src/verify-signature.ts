import { WebhookHeaderError, WebhookSignatureError, WebhookTimestampError } from './errors.js';
import { readWebhookHeaders, type WebhookHeadersInput } from './headers.js';
import { decodeSecrets } from './secret.js';
import { computeSignature, safeEqual } from './signature.js';
import { toUnixSeconds } from './unix-time.js';

/** Standard Webhooks' recommended window, in both directions. */
const DEFAULT_TOLERANCE = 300;

/**
 * Options of `verify()`, `verifyRequest()` and `verifyVoiceRequest()`.
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

/** What a signature mismatch most likely means for this kind of request, for the error message. */
export interface MismatchHints {
  /** The payload was not the signed bytes: how that usually happens here. */
  payload: string;
  /** The secret was not the signer's: which secret to use instead. */
  secret: string;
}

/**
 * The Standard Webhooks check shared by event deliveries and voice requests. Checks, in order: the
 * tolerance option, the secret(s), the three headers, the signature (constant time; any of several
 * secrets and any of several signatures may match), then the timestamp tolerance.
 */
export function verifySignature(
  payload: string | Uint8Array,
  headers: WebhookHeadersInput,
  secret: string | readonly string[],
  options: VerifyOptions,
  fn: string,
  hints: MismatchHints,
): void {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
    throw new TypeError(`${fn}: options.tolerance must be a number of seconds >= 0; got ${String(tolerance)}.`);
  }
  const now = options.now === undefined ? Math.floor(Date.now() / 1000) : toUnixSeconds(options.now, `${fn}: options.now`);
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
        `(1) ${hints.payload}; (2) ${hints.secret}.`,
    );
  }

  const timestamp = Number(timestampHeader);
  if (Math.abs(timestamp - now) > tolerance) throw new WebhookTimestampError(timestamp, now, tolerance);
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
