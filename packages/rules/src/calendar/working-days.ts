import { statutoryHolidays } from './holidays.js';
import { addDays, dateParts, isWeekend, type LocalDate, toDayNumber } from './local-date.js';
import type { CalendarOverrides } from './overrides.js';

const statutoryOffCache = new Map<number, ReadonlySet<LocalDate>>();

function statutoryOff(year: number): ReadonlySet<LocalDate> {
  let set = statutoryOffCache.get(year);
  if (!set) {
    set = new Set(statutoryHolidays(year).map((h) => h.date));
    statutoryOffCache.set(year, set);
  }
  return set;
}

/** A reusable test for one overrides object, so loops build its sets once. */
function workingDayTest(overrides?: CalendarOverrides): (date: LocalDate) => boolean {
  const working = new Set(overrides?.workingDays ?? []);
  const off = new Set(overrides?.daysOff ?? []);
  return (date) => {
    // The operator's data wins over the computed rules, in both directions.
    if (working.has(date)) return true;
    if (off.has(date)) return false;
    return !isWeekend(date) && !statutoryOff(dateParts(date).year).has(date);
  };
}

/**
 * A Bulgarian working day: Monday to Friday, not a holiday or a day in lieu, adjusted by the overrides.
 *
 * @example
 * ```ts
 * isWorkingDay('2026-12-28'); // false (in lieu of Saturday 26 December)
 * isWorkingDay('2026-12-29'); // true
 * ```
 */
export function isWorkingDay(date: LocalDate, overrides?: CalendarOverrides): boolean {
  return workingDayTest(overrides)(date);
}

/**
 * The date `n` working days after `date` (before it when `n` is negative); `date` itself is never counted,
 * and need not be a working day: 5 working days from Saturday 2026-01-03 is Friday 2026-01-09.
 * `n = 0` returns `date` unchanged.
 *
 * @example
 * ```ts
 * addWorkingDays('2026-12-23', 1); // '2026-12-29'
 * ```
 */
export function addWorkingDays(date: LocalDate, n: number, overrides?: CalendarOverrides): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`working days must be an integer: ${n}`);
  const isWorking = workingDayTest(overrides);
  const step = n < 0 ? -1 : 1;
  let day = date;
  for (let left = Math.abs(n); left > 0; ) {
    day = addDays(day, step);
    if (isWorking(day)) left--;
  }
  return day;
}

/**
 * Working days in the half-open range (a, b]: after `a`, up to and including `b`; negative when `b` is
 * before `a`. The inverse of `addWorkingDays`: `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
 *
 * @example
 * ```ts
 * workingDaysBetween('2026-12-23', '2026-12-31'); // 3
 * ```
 */
export function workingDaysBetween(a: LocalDate, b: LocalDate, overrides?: CalendarOverrides): number {
  if (b < a) return -workingDaysBetween(b, a, overrides);
  const isWorking = workingDayTest(overrides);
  const span = toDayNumber(b) - toDayNumber(a);
  let count = 0;
  for (let i = 1; i <= span; i++) if (isWorking(addDays(a, i))) count++;
  return count;
}

/**
 * `date` when it is a working day, otherwise the first working day after it.
 *
 * @example
 * ```ts
 * nextWorkingDayOnOrAfter('2026-12-24'); // '2026-12-29'
 * ```
 */
export function nextWorkingDayOnOrAfter(date: LocalDate, overrides?: CalendarOverrides): LocalDate {
  const isWorking = workingDayTest(overrides);
  let day = date;
  while (!isWorking(day)) day = addDays(day, 1);
  return day;
}
