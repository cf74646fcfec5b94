import { addDays, type CalendarOverrides, isWorkingDay, type LocalDate, noOverrides, sofiaDateOf } from '../calendar/index.js';
import { HOUR_MS, hoursToMs, instantMs, MINUTE_MS } from './instants.js';
import { sofiaInstant } from './sofia-wall-time.js';

/**
 * Support hours (terms 6.3): weekdays 09:00-18:00 Sofia time, without public holidays.
 *
 * "EET" in the terms is read as Sofia local time, i.e. EEST (UTC+3) in summer: that is when the support desk
 * is staffed, and reading it as fixed UTC+2 would open the desk at 10:00 local time half the year.
 * "Weekdays without public holidays" is the calendar's `isWorkingDay`, so days in lieu and the operator's
 * decreed days off and working Saturdays apply as they do to billing.
 *
 * @example
 * ```ts
 * SUPPORT_OPENS_AT_HOUR; // 9
 * ```
 */
export const SUPPORT_OPENS_AT_HOUR = 9;
/**
 * When support closes, Sofia time (18:00).
 *
 * @example
 * ```ts
 * SUPPORT_CLOSES_AT_HOUR; // 18
 * ```
 */
export const SUPPORT_CLOSES_AT_HOUR = 18;
/**
 * A support day: what one "day" of a non-critical target is worth.
 *
 * @example
 * ```ts
 * SUPPORT_DAY_HOURS; // 9
 * ```
 */
export const SUPPORT_DAY_HOURS = SUPPORT_CLOSES_AT_HOUR - SUPPORT_OPENS_AT_HOUR;

// A loop that has not found its answer within this many calendar days is fed impossible overrides.
const MAX_DAYS_SCANNED = 366 * 20;

interface Window {
  open: number;
  close: number;
}

/** The support window of a Sofia date in epoch ms, or null when the date is not a working day. */
function supportWindow(date: LocalDate, overrides: CalendarOverrides): Window | null {
  if (!isWorkingDay(date, overrides)) return null;
  return { open: sofiaInstant(date, SUPPORT_OPENS_AT_HOUR).getTime(), close: sofiaInstant(date, SUPPORT_CLOSES_AT_HOUR).getTime() };
}

/**
 * The instant `ms` milliseconds of support time after `start`.
 *
 * The answer is the earliest instant at which that much support time has elapsed. Two consequences, both
 * deliberate:
 * - a due time that lands on a closing time stays there (Tuesday 18:00, not Wednesday 09:00): at 18:00 the
 *   full time has elapsed, and the customer should not wait through the night for a "09:00" that is
 *   really the same deadline;
 * - a start outside support hours starts counting at the next opening (Saturday 11:00 + 1 h is
 *   Monday 10:00), and `ms = 0` returns `start` itself.
 *
 * @example
 * ```ts
 * addSupportMillis(new Date('2026-12-23T15:00:00Z'), 8 * 3_600_000).toISOString(); // '2026-12-29T14:00:00.000Z'
 * ```
 */
export function addSupportMillis(start: Date, ms: number, overrides: CalendarOverrides = noOverrides): Date {
  const from = instantMs(start, 'start');
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`support time must be whole milliseconds >= 0: ${ms}`);
  if (ms === 0) return new Date(from);
  let remaining = ms;
  let day = sofiaDateOf(start);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++, day = addDays(day, 1)) {
    const window = supportWindow(day, overrides);
    if (!window) continue;
    const counting = Math.max(from, window.open);
    if (counting >= window.close) continue;
    const available = window.close - counting;
    if (remaining <= available) return new Date(counting + remaining);
    remaining -= available;
  }
  throw new RangeError(`no support time found within ${MAX_DAYS_SCANNED} days of ${start.toISOString()}`);
}

/**
 * `start` plus support hours (fractions allowed, rounded to the millisecond): see `addSupportMillis`.
 *
 * @example
 * ```ts
 * addSupportHours(new Date('2026-12-23T15:00:00Z'), 8).toISOString(); // '2026-12-29T14:00:00.000Z'
 * ```
 */
export function addSupportHours(start: Date, hours: number, overrides: CalendarOverrides = noOverrides): Date {
  return addSupportMillis(start, hoursToMs(hours), overrides);
}

/**
 * Support time between two instants in whole milliseconds; negative when `b` is before `a`. The inverse of
 * `addSupportMillis`: `supportMillisBetween(s, addSupportMillis(s, n)) === n`.
 *
 * @example
 * ```ts
 * supportMillisBetween(new Date('2026-12-23T15:00:00Z'), new Date('2026-12-29T14:00:00Z')) / 3_600_000; // 8
 * ```
 */
export function supportMillisBetween(a: Date, b: Date, overrides: CalendarOverrides = noOverrides): number {
  const from = instantMs(a, 'a');
  const to = instantMs(b, 'b');
  if (to < from) return -supportMillisBetween(b, a, overrides);
  const last = sofiaDateOf(b);
  let total = 0;
  for (let day = sofiaDateOf(a); day <= last; day = addDays(day, 1)) {
    const window = supportWindow(day, overrides);
    if (window) total += Math.max(0, Math.min(to, window.close) - Math.max(from, window.open));
  }
  return total;
}

/**
 * Support minutes between two instants: a whole number when both instants are on whole minutes.
 *
 * @example
 * ```ts
 * supportMinutesBetween(new Date('2026-12-23T15:00:00Z'), new Date('2026-12-29T14:00:00Z')); // 480
 * ```
 */
export function supportMinutesBetween(a: Date, b: Date, overrides: CalendarOverrides = noOverrides): number {
  return supportMillisBetween(a, b, overrides) / MINUTE_MS;
}

/**
 * Support hours between two instants, fractional (90 support minutes are 1.5); for display.
 *
 * @example
 * ```ts
 * supportHoursBetween(new Date('2026-12-23T15:00:00Z'), new Date('2026-12-29T14:00:00Z')); // 8
 * ```
 */
export function supportHoursBetween(a: Date, b: Date, overrides: CalendarOverrides = noOverrides): number {
  return supportMillisBetween(a, b, overrides) / HOUR_MS;
}

/**
 * When a support-hours clock started at `instant` actually starts counting: itself, or the next opening.
 *
 * @example
 * ```ts
 * supportClockStart(new Date('2026-12-23T17:00:00Z')).toISOString(); // '2026-12-29T07:00:00.000Z' (Tuesday 09:00)
 * ```
 */
export function supportClockStart(instant: Date, overrides: CalendarOverrides = noOverrides): Date {
  // The earliest instant with 1 ms of support time after it, minus that millisecond.
  return new Date(addSupportMillis(instant, 1, overrides).getTime() - 1);
}
