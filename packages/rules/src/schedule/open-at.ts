import { addDays, type CalendarOverrides, holidays, isoWeekday, type LocalDate } from '../calendar/index.js';
import { dateParts } from '../calendar/local-date.js';
import { wallClock } from './wall-clock.js';

/**
 * The days of the week as the API names them.
 *
 * @example
 * ```ts
 * const d: Weekday = 'mon';
 * ```
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** ISO weekday numbers (Monday 1) of the API's day names. */
const WEEKDAY_NUMBER: Record<Weekday, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/**
 * Opening hours on some days of the week, in the schedule's zone. `open` and `close` are `HH:MM`
 * (`close` may be `24:00`); a `close` before `open` runs past midnight into the next day
 * (`22:00`-`06:00` is a night shift that started on the named day), and `close` equal to `open` is 24 hours.
 *
 * @example
 * ```ts
 * const h: OpeningHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' };
 * ```
 */
export interface OpeningHours {
  days: readonly Weekday[];
  open: string;
  close: string;
}

/**
 * A business-hours schedule: when calls count as "open".
 *
 * - `publicHolidays`: closed on the Bulgarian calendar's holidays and days in lieu (with the operator's
 *   overrides), the calendar billing and the SLA use.
 * - `closedDates`: further dates the business is closed (a stocktaking day).
 *
 * A closed date closes the hours that start on it; a night shift that began the evening before runs to its end.
 *
 * @example
 * ```ts
 * const s: BusinessSchedule = { timeZone: 'Europe/Sofia', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }], publicHolidays: true, closedDates: [] };
 * ```
 */
export interface BusinessSchedule {
  timeZone: string;
  hours: readonly OpeningHours[];
  publicHolidays: boolean;
  closedDates: readonly LocalDate[];
}

const HH_MM = /^(\d{2}):(\d{2})$/;

/**
 * Minutes after midnight of an `HH:MM` time (`24:00` is 1440), or null when it is not one.
 *
 * @example
 * ```ts
 * minuteOfDay('09:30'); // 570
 * minuteOfDay('25:00'); // null
 * ```
 */
export function minuteOfDay(value: string): number | null {
  const m = HH_MM.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 24 && min === 0) return 1440;
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

function minutes(value: string): number {
  const m = minuteOfDay(value);
  if (m === null) throw new RangeError(`not a time of day (HH:MM): ${JSON.stringify(value)}`);
  return m;
}

/** Whether the business is closed all day on `date` (holiday or listed date). */
function closedOn(schedule: BusinessSchedule, date: LocalDate, overrides?: CalendarOverrides): boolean {
  if (schedule.closedDates.includes(date)) return true;
  return schedule.publicHolidays && holidays(dateParts(date).year, overrides).some((h) => h.date === date);
}

/**
 * Whether the schedule is open at `instant`: some opening hours started today (wall clock in the
 * schedule's zone) and have not closed, or a night shift that started yesterday is still running, and
 * the day the hours started on is not closed. `open` is inclusive and `close` exclusive.
 *
 * @example
 * ```ts
 * const s: BusinessSchedule = { timeZone: 'Europe/Sofia', hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }], publicHolidays: true, closedDates: [] };
 * isOpenAt(s, new Date('2026-12-23T08:00:00Z')); // true (10:00 on a Wednesday in Sofia)
 * isOpenAt(s, new Date('2026-12-24T08:00:00Z')); // false (Christmas Eve)
 * ```
 */
export function isOpenAt(schedule: BusinessSchedule, instant: Date, overrides?: CalendarOverrides): boolean {
  const now = wallClock(instant, schedule.timeZone);
  const today = isoWeekday(now.date);
  const yesterday = addDays(now.date, -1);
  const yesterdayWeekday = isoWeekday(yesterday);
  for (const h of schedule.hours) {
    const open = minutes(h.open);
    const close = minutes(h.close);
    const overnight = close <= open;
    const days = h.days.map((d) => WEEKDAY_NUMBER[d]);
    // Hours that started today.
    if (days.includes(today) && now.minute >= open && (overnight || now.minute < close) && !closedOn(schedule, now.date, overrides)) return true;
    // The tail of a night shift that started yesterday.
    if (overnight && days.includes(yesterdayWeekday) && now.minute < close && !closedOn(schedule, yesterday, overrides)) return true;
  }
  return false;
}
