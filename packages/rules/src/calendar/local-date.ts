/**
 * Calendar dates without a time of day: an ISO `YYYY-MM-DD` string read as a civil date in Europe/Sofia.
 *
 * Invoice dates, due dates, holidays and notice periods are dates on the Bulgarian calendar, not instants,
 * so they never carry a time zone. Arithmetic runs on UTC midnights (`Date.UTC`, `getUTC*`) where no
 * offset or DST change can shift a day; `new Date('2026-01-01')` and local-time getters are never used.
 * Turning an instant into a Sofia date is `sofiaDateOf` in `sofia-time.ts`.
 *
 * @example
 * ```ts
 * const christmas: LocalDate = '2026-12-25';
 * ```
 */
export type LocalDate = string;

/**
 * A date as numbers: month 1-12.
 *
 * @example
 * ```ts
 * const { year, month, day }: DateParts = dateParts('2026-12-23'); // 2026, 12, 23
 * ```
 */
export interface DateParts {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Splits a date into numbers, or null when it is not a real `YYYY-MM-DD` date (2026-02-30 is not).
 *
 * @example
 * ```ts
 * tryParseLocalDate('2026-02-30'); // null
 * tryParseLocalDate('2026-12-23'); // { year: 2026, month: 12, day: 23 }
 * ```
 */
export function tryParseLocalDate(value: string): DateParts | null {
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // Years below 1000 would need zero-padding rules Date.UTC does not share; nothing here needs them.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/**
 * True when the value is a real ISO calendar date.
 *
 * @example
 * ```ts
 * isLocalDate('2026-12-23'); // true
 * isLocalDate('23.12.2026'); // false
 * ```
 */
export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && tryParseLocalDate(value) !== null;
}

/**
 * The parts of a date; throws a RangeError naming the value when it is not a real date.
 *
 * @example
 * ```ts
 * dateParts('2026-12-23'); // { year: 2026, month: 12, day: 23 }
 * ```
 */
export function dateParts(date: LocalDate): DateParts {
  const parts = tryParseLocalDate(date);
  if (!parts) throw new RangeError(`not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return parts;
}

/**
 * Builds `YYYY-MM-DD` from numbers (month 1-12); throws when the day does not exist.
 *
 * @example
 * ```ts
 * localDate(2026, 12, 23); // '2026-12-23'
 * ```
 */
export function localDate(year: number, month: number, day: number): LocalDate {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  dateParts(text);
  return text;
}

/**
 * Days in a month of the Gregorian calendar (month 1-12).
 *
 * @example
 * ```ts
 * daysInMonth(2028, 2); // 29
 * ```
 */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Days since 1970-01-01: the integer every date calculation goes through.
 *
 * @example
 * ```ts
 * toDayNumber('1970-01-02'); // 1
 * ```
 */
export function toDayNumber(date: LocalDate): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/**
 * The date a day number stands for (inverse of `toDayNumber`).
 *
 * @example
 * ```ts
 * fromDayNumber(1); // '1970-01-02'
 * ```
 */
export function fromDayNumber(dayNumber: number): LocalDate {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`day number must be an integer: ${dayNumber}`);
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The date `days` calendar days later (earlier when negative).
 *
 * @example
 * ```ts
 * addDays('2026-12-31', 1); // '2027-01-01'
 * ```
 */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Calendar days from `a` to `b`: positive when `b` is later, 0 on the same day.
 *
 * @example
 * ```ts
 * daysBetween('2026-12-23', '2027-01-01'); // 9
 * ```
 */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/**
 * ISO weekday: 1 = Monday ... 6 = Saturday, 7 = Sunday.
 *
 * @example
 * ```ts
 * isoWeekday('2026-12-23'); // 3 (Wednesday)
 * ```
 */
export function isoWeekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * Saturday or Sunday.
 *
 * @example
 * ```ts
 * isWeekend('2026-12-26'); // true (Saturday)
 * ```
 */
export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

/**
 * The same day `months` later; when that month is shorter, its last day (31 Jan + 1 month = 28 or 29 Feb).
 * This is how Bulgarian law ends periods counted in months (Obligations and Contracts Act art. 72(2)).
 *
 * @example
 * ```ts
 * addMonths('2026-01-31', 1); // '2026-02-28'
 * ```
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const { year, month, day } = dateParts(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return localDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/**
 * The earlier of two dates (ISO strings of equal length sort as dates).
 *
 * @example
 * ```ts
 * minDate('2026-12-23', '2027-01-01'); // '2026-12-23'
 * ```
 */
export function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a <= b ? a : b;
}

/**
 * The later of two dates.
 *
 * @example
 * ```ts
 * maxDate('2026-12-23', '2027-01-01'); // '2027-01-01'
 * ```
 */
export function maxDate(a: LocalDate, b: LocalDate): LocalDate {
  return a >= b ? a : b;
}

/**
 * The first day of the date's month.
 *
 * @example
 * ```ts
 * startOfMonth('2026-12-23'); // '2026-12-01'
 * ```
 */
export function startOfMonth(date: LocalDate): LocalDate {
  const { year, month } = dateParts(date);
  return localDate(year, month, 1);
}
