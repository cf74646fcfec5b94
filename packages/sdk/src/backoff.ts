/** How long retries may wait; the defaults suit the public API, tests shrink them. */
export interface BackoffConfig {
  /** First retry waits around this long; each later retry doubles it. */
  baseDelayMs: number;
  /** No computed backoff waits longer than this. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not slept through: the error surfaces instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = {
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Seconds from a `Retry-After` header, which may be delta-seconds or an HTTP date.
 * Fractions are accepted because some proxies send them.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  // Only a date with letters (an IMF-fixdate); Date.parse would happily read "-1" as a year.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

/**
 * Equal jitter: half the exponential delay is fixed, half random. Unlike full jitter this keeps a
 * floor, so a burst of clients that all failed together cannot retry almost at once.
 */
export function backoffDelay(retry: number, config: BackoffConfig, random: () => number = Math.random): number {
  const exp = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** retry);
  return exp / 2 + random() * (exp / 2);
}

/** Statuses worth another attempt: lock conflicts, rate limits and server failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 409 || status === 429 || status >= 500;
}

/**
 * Whether to retry an answer. `Prolope-Should-Retry`, when the server sends it, wins over the
 * status because the server knows whether the failure was transient (as with Stripe-Should-Retry).
 */
export function shouldRetryResponse(status: number, headers: Headers): boolean {
  if (status < 400) return false;
  const override = headers.get('prolope-should-retry');
  if (override === 'true') return true;
  if (override === 'false') return false;
  return isRetryableStatus(status);
}

/**
 * How long to wait before retry number `retry` (0-based) after `headers`, or undefined when the
 * server asked for a longer wait than is sensible to sleep through inside one call.
 */
export function retryDelay(retry: number, headers: Headers | undefined, config: BackoffConfig): number | undefined {
  const computed = backoffDelay(retry, config);
  const retryAfter = parseRetryAfter(headers?.get('retry-after'));
  if (retryAfter === undefined) return computed;
  const asked = retryAfter * 1000;
  if (asked > config.maxRetryAfterMs) return undefined;
  return Math.max(asked, computed);
}

/** Waits `ms`, rejecting at once with the signal's reason if the caller aborts meanwhile. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
