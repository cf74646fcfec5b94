/**
 * Every SLA rule works on integer milliseconds since the epoch: `Date` already holds exactly that, and
 * integers keep sums, differences and comparisons exact (no floating point in any decision).
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The instant's milliseconds; throws a RangeError naming the field when it is not a valid Date. */
export function instantMs(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

/** A length of time given in hours as whole milliseconds (fractions below a millisecond round away). */
export function hoursToMs(hours: number, name = 'hours'): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`${name} must be a finite number >= 0: ${hours}`);
  return Math.round(hours * HOUR_MS);
}
