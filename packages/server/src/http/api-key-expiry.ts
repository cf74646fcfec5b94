import { ProblemError } from '../errors.js';

// RFC 3339 allows a leap second (:60), which Date.parse refuses; it is the instant after :59.
const LEAP_SECOND = /^(.*T\d{2}:\d{2}:)60(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The instant (ms since the epoch) of an RFC 3339 time in any of its spellings (`Z` or an offset,
 * upper or lower case `T`/`Z`, a leap second), or NaN when it is not one. Expiries are compared as
 * instants: as strings, `+05:00` and lowercase `t...z` times sort after the UTC ones they precede.
 */
export function instantOf(value: string): number {
  const leap = LEAP_SECOND.exec(value);
  if (leap) return Date.parse(`${leap[1]}59${leap[2] ?? ''}${leap[3]}`) + 1000;
  return Date.parse(value);
}

/** Whether a key with this `expires_at` has expired at `now`; a time that cannot be read counts as expired (fail closed). */
export function isExpired(expiresAt: string | null, now: Date): boolean {
  if (expiresAt === null) return false;
  const at = instantOf(expiresAt);
  return Number.isNaN(at) || at <= now.getTime();
}

/** A requested `expires_at` as the one UTC spelling the API stores and answers with; 400 when past or unreadable. */
export function normalizeExpiry(value: string, now: Date): string {
  const at = instantOf(value);
  if (Number.isNaN(at)) {
    throw new ProblemError('validation_failed', `expires_at "${value.slice(0, 40)}" is not an RFC 3339 time such as 2030-01-01T00:00:00Z.`, {
      param: '/body/expires_at',
    });
  }
  if (at <= now.getTime()) {
    throw new ProblemError('validation_failed', `expires_at ${value} is in the past (it is ${new Date(at).toISOString()} in UTC).`, {
      param: '/body/expires_at',
    });
  }
  return new Date(at).toISOString();
}
