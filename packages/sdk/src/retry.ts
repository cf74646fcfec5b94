import { type BackoffConfig, retryDelay, shouldRetryResponse, sleep } from './backoff.js';
import { AbortError, ConnectionError, type ProlopeError, TimeoutError } from './errors.js';

/** Anything shaped like `fetch(request)`: globalThis.fetch, undici's, a test double. */
export type FetchLike = (input: Request) => Promise<Response>;

/** The retry budget of one logical call. */
export interface RetryConfig {
  fetch: FetchLike;
  maxRetries: number;
  /** Per attempt, in ms. */
  timeout: number;
  backoff: BackoffConfig;
}

const NULL_BODY_STATUSES = [204, 205, 304];

/**
 * Reads the whole body inside the attempt, so that the per-attempt timeout and the retry on a
 * dropped connection also cover the body, not just the headers. Answers are small JSON documents,
 * so nothing is lost by not streaming.
 */
async function buffered(response: Response): Promise<Response> {
  const body = NULL_BODY_STATUSES.includes(response.status) ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Wraps `fetch` with retries, per-attempt timeouts and abort handling.
 *
 * Why at the fetch layer rather than around each SDK call: openapi-fetch builds one Request per
 * call and runs middleware once around our fetch. Retrying underneath means (1) the typed `raw`
 * client gets the same retries as the resource methods, (2) middleware (auth, idempotency, the
 * user's own) runs once per logical call, so the Idempotency-Key it settled on is replayed
 * verbatim by every attempt, and (3) each attempt can get its own timeout signal, which only
 * code that creates the attempt's Request can attach. The cost is that middleware sees the final
 * answer, not each attempt.
 *
 * @example
 * ```ts
 * const fetch = createRetryingFetch({ fetch: globalThis.fetch, maxRetries: 2, timeout: 30_000, backoff: DEFAULT_BACKOFF });
 * ```
 */
export function createRetryingFetch(config: RetryConfig): FetchLike {
  return async (request) => {
    // openapi-fetch put the caller's signal on the Request; aborting it must end everything.
    const userSignal = request.signal;
    // A Request body can be read once; keep the bytes so every attempt can resend them.
    const body = request.body ? await request.arrayBuffer() : null;
    const target = `${request.method} ${request.url}`;

    for (let retry = 0; ; retry++) {
      if (userSignal.aborted) throw new AbortError(`${target} was aborted`, { cause: userSignal.reason });
      // A cleared timer rather than AbortSignal.timeout(): nothing outlives the attempt, so a busy
      // process does not accumulate a pending 30 s timer per request.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new DOMException('attempt timed out', 'TimeoutError')), config.timeout);
      const attempt = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body,
        redirect: request.redirect,
        signal: AbortSignal.any([userSignal, timeout.signal]),
      });

      let response: Response | undefined;
      let failure: ProlopeError | undefined;
      try {
        response = await buffered(await config.fetch(attempt));
      } catch (err) {
        if (userSignal.aborted) throw new AbortError(`${target} was aborted`, { cause: userSignal.reason });
        const attempts = `${retry + 1} attempt${retry === 0 ? '' : 's'}`;
        failure = timeout.signal.aborted
          ? new TimeoutError(`${target} got no answer within ${config.timeout} ms (${attempts}); pass a larger { timeout } if the call is slow`, { cause: err })
          : new ConnectionError(`Could not reach ${target} (${describeCause(err)}, ${attempts}): is the server up and baseUrl right?`, { cause: err });
      } finally {
        clearTimeout(timer);
      }

      const wantsRetry = retry < config.maxRetries && (response ? shouldRetryResponse(response.status, response.headers) : true);
      const delay = wantsRetry ? retryDelay(retry, response?.headers, config.backoff) : undefined;
      if (delay === undefined) {
        if (response) return response;
        throw failure;
      }
      try {
        await sleep(delay, userSignal);
      } catch {
        throw new AbortError(`${target} was aborted while waiting to retry`, { cause: userSignal.reason });
      }
    }
  };
}
