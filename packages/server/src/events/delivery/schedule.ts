/**
 * When a failed delivery is tried again. Pure: the worker passes the clock's "now" and a random
 * source, so tests pin both.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The waits after the 1st, 2nd, ... failed try (the schedule: about 28 h in all). */
export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** The first try plus one per retry; after this many failures the delivery is `failed`. */
export const MAX_TRIES = RETRY_DELAYS_MS.length + 1;

/**
 * ±10%: deliveries that failed together (an endpoint's outage) come back spread out instead of as
 * one burst at the same millisecond.
 */
export const JITTER = 0.1;

/** A Retry-After further out than this is taken as this: a day is already longer than the whole schedule's last step. */
export const RETRY_AFTER_CAP_MS = 24 * HOUR;

/** Retry-After: 0 (or a date in the past) would retry in a tight loop; a second is the least we wait. */
export const RETRY_AFTER_FLOOR_MS = SECOND;

/** `ms` moved by up to ±JITTER of itself; `random` returns [0, 1) like Math.random, 0.5 meaning no change. */
export function jittered(ms: number, random: () => number): number {
  return Math.round(ms * (1 + (random() * 2 - 1) * JITTER));
}

/** The wait before the next try after `triesSoFar` failed tries, or undefined when none is left. */
export function retryDelayMs(triesSoFar: number, random: () => number): number | undefined {
  const base = RETRY_DELAYS_MS[triesSoFar - 1];
  return base === undefined ? undefined : jittered(base, random);
}

/**
 * How long a Retry-After header asks us to wait: delay-seconds or an HTTP date (RFC 9110 10.2.3),
 * clamped to [RETRY_AFTER_FLOOR_MS, RETRY_AFTER_CAP_MS]; undefined when absent or unreadable, so
 * the caller falls back to the schedule.
 */
export function retryAfterMs(header: string | string[] | undefined, now: Date): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * SECOND;
  else {
    // Only dates that name a weekday or month: Date.parse would also take "5" or "1.5" as a year.
    if (!/[a-z]{3}/i.test(value)) return undefined;
    // HTTP dates are in GMT; asctime's form does not say so, and Date.parse would read it as local time.
    const at = Date.parse(/\b(GMT|UTC)\b/i.test(value) ? value : `${value} GMT`);
    if (Number.isNaN(at)) return undefined;
    ms = at - now.getTime();
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(RETRY_AFTER_FLOOR_MS, ms));
}
