/**
 * A stable, machine-readable reason why a delivery was rejected. Switch on it
 * rather than on messages, which may be reworded.
 *
 * @example
 * ```ts
 * import { WebhookVerificationError, type WebhookErrorCode } from '@prolope/webhooks';
 *
 * function status(code: WebhookErrorCode): number {
 *   return code === 'body_too_large' ? 413 : 400;
 * }
 * ```
 */
export type WebhookErrorCode =
  | 'raw_body_required'
  | 'body_too_large'
  | 'missing_header'
  | 'invalid_header'
  | 'invalid_secret'
  | 'signature_mismatch'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_json';

/**
 * The name of a Standard Webhooks header.
 *
 * @example
 * ```ts
 * import type { WebhookHeaderName } from '@prolope/webhooks';
 *
 * const name: WebhookHeaderName = 'webhook-signature';
 * ```
 */
export type WebhookHeaderName = 'webhook-id' | 'webhook-timestamp' | 'webhook-signature';

/**
 * The base class of every error this package throws about a delivery (or a
 * secret). Catch it to answer 400; the subclass and `code` say what went wrong.
 *
 * @example
 * ```ts
 * import { verify, WebhookVerificationError } from '@prolope/webhooks';
 *
 * try {
 *   const event = verify(rawBody, req.headers, process.env.PROLOPE_WEBHOOK_SECRET);
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) {
 *     res.writeHead(error.code === 'body_too_large' ? 413 : 400).end(error.code);
 *     return;
 *   }
 *   throw error;
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  /** Stable reason; see {@link WebhookErrorCode}. */
  readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

/**
 * The body given to `verify()` is not the raw request body (code
 * `raw_body_required`): it was parsed by a body parser, is missing, or the
 * request stream was already consumed.
 *
 * @example
 * ```ts
 * import { verify, WebhookRawBodyError } from '@prolope/webhooks';
 *
 * try {
 *   verify(req.body, req.headers, secret);
 * } catch (error) {
 *   if (error instanceof WebhookRawBodyError) console.error('mount express.raw() on the webhook route');
 * }
 * ```
 */
export class WebhookRawBodyError extends WebhookVerificationError {
  constructor(message: string) {
    super('raw_body_required', message);
    this.name = 'WebhookRawBodyError';
  }
}

/**
 * The request body is larger than the `limit` given to `readRawBody()` (code
 * `body_too_large`). Answer 413.
 *
 * @example
 * ```ts
 * import { readRawBody, WebhookBodyTooLargeError } from '@prolope/webhooks';
 *
 * try {
 *   await readRawBody(req, { limit: 256 * 1024 });
 * } catch (error) {
 *   if (error instanceof WebhookBodyTooLargeError) res.writeHead(413).end();
 * }
 * ```
 */
export class WebhookBodyTooLargeError extends WebhookVerificationError {
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;

  constructor(limit: number) {
    super(
      'body_too_large',
      `The request body is larger than the ${limit}-byte limit. Raise the limit option of readRawBody() if your deliveries are this large.`,
    );
    this.name = 'WebhookBodyTooLargeError';
    this.limit = limit;
  }
}

/**
 * A Standard Webhooks header is missing (code `missing_header`) or malformed
 * (code `invalid_header`).
 *
 * @example
 * ```ts
 * import { verify, WebhookHeaderError } from '@prolope/webhooks';
 *
 * try {
 *   verify(rawBody, {}, secret);
 * } catch (error) {
 *   if (error instanceof WebhookHeaderError) console.log(error.headers); // ['webhook-id', ...]
 * }
 * ```
 */
export class WebhookHeaderError extends WebhookVerificationError {
  /** The headers at fault. */
  readonly headers: readonly WebhookHeaderName[];

  constructor(code: 'missing_header' | 'invalid_header', headers: readonly WebhookHeaderName[], message: string) {
    super(code, message);
    this.name = 'WebhookHeaderError';
    this.headers = headers;
  }
}

/**
 * The secret is missing or not a `whsec_` secret (code `invalid_secret`).
 * Thrown by `verify()` and also by `sign()`, since both need the same key.
 *
 * @example
 * ```ts
 * import { verify, WebhookSecretError } from '@prolope/webhooks';
 *
 * try {
 *   verify(rawBody, headers, process.env.PROLOPE_WEBHOOK_SECRET);
 * } catch (error) {
 *   if (error instanceof WebhookSecretError) console.error('check PROLOPE_WEBHOOK_SECRET');
 * }
 * ```
 */
export class WebhookSecretError extends WebhookVerificationError {
  constructor(message: string) {
    super('invalid_secret', message);
    this.name = 'WebhookSecretError';
  }
}

/**
 * No signature in `webhook-signature` matches the body with any of the
 * secrets (code `signature_mismatch`).
 *
 * @example
 * ```ts
 * import { verify, WebhookSignatureError } from '@prolope/webhooks';
 *
 * try {
 *   verify(rawBody, headers, secret);
 * } catch (error) {
 *   if (error instanceof WebhookSignatureError) console.warn('forged, altered or wrong secret');
 * }
 * ```
 */
export class WebhookSignatureError extends WebhookVerificationError {
  constructor(message: string) {
    super('signature_mismatch', message);
    this.name = 'WebhookSignatureError';
  }
}

/**
 * The signature is valid but `webhook-timestamp` is outside the tolerance
 * (code `timestamp_too_old` or `timestamp_too_new`): a replay, a very late
 * delivery, or a wrong clock.
 *
 * @example
 * ```ts
 * import { verify, WebhookTimestampError } from '@prolope/webhooks';
 *
 * try {
 *   verify(rawBody, headers, secret);
 * } catch (error) {
 *   if (error instanceof WebhookTimestampError) console.warn(`clock skew ${error.difference}s`);
 * }
 * ```
 */
export class WebhookTimestampError extends WebhookVerificationError {
  /** `webhook-timestamp`, in unix seconds. */
  readonly timestamp: number;
  /** The verifier's clock, in unix seconds. */
  readonly now: number;
  /** The tolerance that was exceeded, in seconds. */
  readonly tolerance: number;
  /** `timestamp - now`: negative when the delivery is old, positive when it is from the future. */
  readonly difference: number;

  constructor(timestamp: number, now: number, tolerance: number) {
    const difference = timestamp - now;
    const tooOld = difference < 0;
    const seconds = Math.abs(difference);
    super(
      tooOld ? 'timestamp_too_old' : 'timestamp_too_new',
      tooOld
        ? `The webhook-timestamp (${timestamp}) is ${seconds} seconds older than this server's clock (${now}); the tolerance is ${tolerance} seconds. ` +
            "If the delivery was just sent, this server's clock is ahead: sync it (NTP). Otherwise this is a replayed or late delivery, e.g. a saved request sent again."
        : `The webhook-timestamp (${timestamp}) is ${seconds} seconds ahead of this server's clock (${now}); the tolerance is ${tolerance} seconds. ` +
            "This server's clock is probably behind: sync it (NTP).",
    );
    this.name = 'WebhookTimestampError';
    this.timestamp = timestamp;
    this.now = now;
    this.tolerance = tolerance;
    this.difference = difference;
  }
}

/**
 * The body is correctly signed but is not JSON (code `invalid_json`). The
 * `SyntaxError` is the `cause`.
 *
 * @example
 * ```ts
 * import { verify, WebhookPayloadError } from '@prolope/webhooks';
 *
 * try {
 *   verify(rawBody, headers, secret);
 * } catch (error) {
 *   if (error instanceof WebhookPayloadError) console.error(error.cause);
 * }
 * ```
 */
export class WebhookPayloadError extends WebhookVerificationError {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      'invalid_json',
      `The body is correctly signed but is not valid JSON (${detail}). Prolope always sends a JSON event, so this delivery was probably signed by hand, e.g. in a test.`,
      { cause },
    );
    this.name = 'WebhookPayloadError';
  }
}
