import { MAX_TRIES, retryAfterMs, retryDelayMs } from './schedule.js';

/** An endpoint failing this long without one success is disabled at its next failure. */
export const FAILING_DISABLE_MS = 5 * 86_400_000;

export interface OutcomeInput {
  /** Tries of this delivery so far, the one just made included (1 for the first). */
  tries: number;
  /** The endpoint's status code, or null when no answer came (timeout, refused connection or address). */
  responseStatus: number | null;
  retryAfter?: string | string[] | undefined;
  /** The endpoint as it is now, read in the transaction that records the try. */
  endpoint: { status: string; failingSince: string | null };
  now: Date;
  random: () => number;
}

export type EndpointChange = 'keep' | 'clear_failing' | 'mark_failing' | 'disable_gone' | 'disable_failing';

export interface Outcome {
  attempt: 'succeeded' | 'failed';
  delivery: 'succeeded' | 'pending' | 'failed' | 'dropped';
  /** When the delivery is tried again; null when it is not. */
  nextAttemptAt: Date | null;
  endpoint: EndpointChange;
}

export const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/**
 * What one try means for its delivery and its endpoint. A 3xx is a failure like any other non-2xx:
 * redirects are not followed, since a redirect could lead a delivery to an address the SSRF rules
 * refuse, and a moved endpoint should be updated by its owner.
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { now, endpoint } = input;
  if (isSuccess(input.responseStatus)) {
    return { attempt: 'succeeded', delivery: 'succeeded', nextAttemptAt: null, endpoint: endpoint.failingSince ? 'clear_failing' : 'keep' };
  }
  // Disabled while this try was in flight (by its owner or another worker): nothing more is sent to it.
  if (endpoint.status !== 'enabled') return { attempt: 'failed', delivery: 'dropped', nextAttemptAt: null, endpoint: 'keep' };
  if (input.responseStatus === 410) return { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: 'disable_gone' };
  if (endpoint.failingSince && now.getTime() - new Date(endpoint.failingSince).getTime() > FAILING_DISABLE_MS) {
    return { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: 'disable_failing' };
  }
  const endpointChange: EndpointChange = endpoint.failingSince ? 'keep' : 'mark_failing';
  const scheduled = retryDelayMs(input.tries, input.random);
  if (input.tries >= MAX_TRIES || scheduled === undefined) return { attempt: 'failed', delivery: 'failed', nextAttemptAt: null, endpoint: endpointChange };
  const asked = input.responseStatus === 429 || input.responseStatus === 503 ? retryAfterMs(input.retryAfter, now) : undefined;
  return { attempt: 'failed', delivery: 'pending', nextAttemptAt: new Date(now.getTime() + (asked ?? scheduled)), endpoint: endpointChange };
}
