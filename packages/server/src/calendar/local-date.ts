/**
 * Calendar dates without a time of day: an ISO `YYYY-MM-DD` string read as a civil date in Europe/Sofia.
 *
 * Invoice dates, due dates, holidays and notice periods are dates on the Bulgarian calendar, not instants,
 * so they never carry a time zone. Arithmetic runs on UTC midnights (`Date.UTC`, `getUTC*`) where no
 * offset or DST change can shift a day; `new Date('2026-01-01')` and local-time getters are never used.
 * Turning an instant into a Sofia date is `sofiaDateOf` in `sofia-time.ts`.
 */
export type LocalDate = string;

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Splits a date into numbers, or null when it is not a real `YYYY-MM-DD` date (2026-02-30 is not). */
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

/** True when the value is a real ISO calendar date. */
export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && tryParseLocalDate(value) !== null;
}

/** The parts of a date; throws a RangeError naming the value when it is not a real date. */
export function dateParts(date: LocalDate): DateParts {
  const parts = tryParseLocalDate(date);
  if (!parts) throw new RangeError(`not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return parts;
}

/** Builds `YYYY-MM-DD` from numbers (month 1-12); throws when the day does not exist. */
export function localDate(year: number, month: number, day: number): LocalDate {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  dateParts(text);
  return text;
}

/** Days in a month of the Gregorian calendar (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01: the integer every date calculation goes through. */
export function toDayNumber(date: LocalDate): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** The date a day number stands for (inverse of `toDayNumber`). */
export function fromDayNumber(dayNumber: number): LocalDate {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`day number must be an integer: ${dayNumber}`);
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** The date `days` calendar days later (earlier when negative). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `a` to `b`: positive when `b` is later, 0 on the same day. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** ISO weekday: 1 = Monday ... 6 = Saturday, 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/** Saturday or Sunday. */
export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

/**
 * The same day `months` later; when that month is shorter, its last day (31 Jan + 1 month = 28 or 29 Feb).
 * This is how Bulgarian law ends periods counted in months (Obligations and Contracts Act art. 72(2)).
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const { year, month, day } = dateParts(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return localDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** The earlier of two dates (ISO strings of equal length sort as dates). */
export function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a <= b ? a : b;
}

/** The later of two dates. */
export function maxDate(a: LocalDate, b: LocalDate): LocalDate {
  return a >= b ? a : b;
}

/** The first day of the date's month. */
export function startOfMonth(date: LocalDate): LocalDate {
  const { year, month } = dateParts(date);
  return localDate(year, month, 1);
}
