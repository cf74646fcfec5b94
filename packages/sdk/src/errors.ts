import type { components } from '@prolope/contract/schema';

/**
 * An RFC 9457 problem detail as the Prolope API sends it (`application/problem+json`).
 *
 * @example
 * ```ts
 * const problem: Problem = { type: 'https://docs.prolope.dev/errors#not_found', title: 'Not Found', status: 404, code: 'not_found', detail: 'No such API key: key_123' };
 * ```
 */
export type Problem = components['schemas']['Problem'];

/**
 * The base of every error the SDK throws, so one `instanceof` check catches them all.
 *
 * @example
 * ```ts
 * try {
 *   await prolope.accounts.me();
 * } catch (err) {
 *   if (err instanceof ProlopeError) console.error('Prolope failed:', err.message);
 *   else throw err;
 * }
 * ```
 */
export class ProlopeError extends Error {
  override name = 'ProlopeError';
}

/** What the SDK knows about an HTTP error answer; the argument of every {@link ApiError} constructor. */
export interface ApiErrorInit {
  status: number;
  message: string;
  headers: Headers;
  /** The parsed problem, or undefined when the body was not problem JSON. */
  problem?: Problem | undefined;
  /** The body as text when it was not problem JSON (trimmed for the message, kept whole here). */
  rawBody?: string | undefined;
}

/**
 * The server answered with a non-2xx status. Subclasses name the common statuses;
 * statuses without a subclass (e.g. 415) are plain `ApiError`s.
 *
 * @example
 * ```ts
 * try {
 *   await prolope.apiKeys.retrieve('key_missing');
 * } catch (err) {
 *   if (err instanceof ApiError) console.error(err.status, err.code, err.requestId);
 * }
 * ```
 */
export class ApiError extends ProlopeError {
  override name = 'ApiError';
  /** The HTTP status. */
  readonly status: number;
  /** The stable machine-readable code (e.g. `validation_failed`); `http_<status>` when the body had none. */
  readonly code: string;
  /** The human explanation from the server; may change between releases, so branch on `code` instead. */
  readonly detail: string;
  /** The full problem object, or undefined when the server did not send problem JSON. */
  readonly problem: Problem | undefined;
  /** The body text when it was not problem JSON (an HTML error page from a proxy, for instance). */
  readonly rawBody: string | undefined;
  /** `Prolope-Request-Id`: quote it when asking for support. */
  readonly requestId: string | undefined;
  /** The response headers. */
  readonly headers: Headers;
  /** The request field the problem is about, when the server named one (e.g. `/body/name`). */
  readonly param: string | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.problem = init.problem;
    this.rawBody = init.rawBody;
    this.headers = init.headers;
    this.code = init.problem?.code ?? `http_${init.status}`;
    this.detail = init.problem?.detail ?? init.message;
    this.param = init.problem?.param;
    this.requestId = init.headers.get('prolope-request-id') ?? init.problem?.request_id ?? undefined;
  }
}

/**
 * 400: the request is malformed or fails validation; `param` and `problem.errors` say where.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof BadRequestError) console.error(err.param, err.problem?.errors); }
 * ```
 */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}

/**
 * 401: the API key is missing, malformed, unknown, expired or revoked.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof AuthenticationError) console.error('Check PROLOPE_API_KEY:', err.message); }
 * ```
 */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}

/**
 * 403: the key is valid but lacks a scope this operation needs.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof PermissionError) console.error(err.message); }
 * ```
 */
export class PermissionError extends ApiError {
  override name = 'PermissionError';
}

/**
 * 404: no such object for this account (or, with a non-JSON body, probably a wrong `baseUrl`).
 *
 * @example
 * ```ts
 * const key = await prolope.apiKeys.retrieve(id).catch((err) => {
 *   if (err instanceof NotFoundError) return null;
 *   throw err;
 * });
 * ```
 */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

/**
 * 409: the request conflicts with the object's state or with an `Idempotency-Key` in use.
 * The SDK retries these by itself unless the server says not to.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ConflictError) console.error(err.code); }
 * ```
 */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}

/**
 * 413: the body is larger than the server accepts (1 MiB).
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof PayloadTooLargeError) console.error('Send less at once'); }
 * ```
 */
export class PayloadTooLargeError extends ApiError {
  override name = 'PayloadTooLargeError';
}

/**
 * 422: the request is well-formed but breaks a rule (e.g. the signatory's confirmations).
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof UnprocessableEntityError) console.error(err.detail); }
 * ```
 */
export class UnprocessableEntityError extends ApiError {
  override name = 'UnprocessableEntityError';
}

/**
 * 429: too many requests. Thrown only once the SDK's own retries are spent.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof RateLimitError) await new Promise((r) => setTimeout(r, (err.retryAfter ?? 1) * 1000));
 * }
 * ```
 */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit & { retryAfter?: number | undefined }) {
    super(init);
    this.retryAfter = init.retryAfter;
  }
}

/**
 * 5xx: the server failed. Thrown only once the SDK's own retries are spent.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ServerError) console.error('Prolope is down; request', err.requestId); }
 * ```
 */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

/**
 * No HTTP answer arrived: connection refused or reset, DNS failure, socket hang up.
 * Thrown once the SDK's own retries are spent; `cause` holds the underlying error.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ConnectionError) console.error('Is the server running?', err.cause); }
 * ```
 */
export class ConnectionError extends ProlopeError {
  override name = 'ConnectionError';
}

/**
 * An attempt took longer than `timeout` ms, and so did every retry.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof TimeoutError) console.error('Try a larger { timeout }'); }
 * ```
 */
export class TimeoutError extends ProlopeError {
  override name = 'TimeoutError';
}

/**
 * Your own `AbortSignal` fired. Never retried.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 100);
 * await prolope.accounts.me({ signal: controller.signal }).catch((err) => {
 *   if (!(err instanceof AbortError)) throw err;
 * });
 * ```
 */
export class AbortError extends ProlopeError {
  override name = 'AbortError';
}
