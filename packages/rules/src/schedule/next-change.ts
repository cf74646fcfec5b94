import { addDays, type CalendarOverrides, type LocalDate } from '../calendar/index.js';
import { type BusinessSchedule, isOpenAt, minuteOfDay } from './open-at.js';
import { wallClock } from './wall-clock.js';

/** How far ahead nextChange looks: two weeks covers any weekly schedule and a holiday stretch. */
export const NEXT_CHANGE_HORIZON_DAYS = 14;

const MINUTE = 60_000;

/** The instant the wall clock in `timeZone` shows `minute` on `date` (before a DST change, the earlier one). */
function instantOf(date: LocalDate, minute: number, timeZone: string): number {
  const asUtc = Date.parse(`${date}T00:00:00Z`) + minute * MINUTE;
  // The zone's offset at a guess, twice: the second guess lands on the right side of a DST change.
  let at = asUtc;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(new Date(at), timeZone);
    const offset = Date.parse(`${w.date}T00:00:00Z`) + w.minute * MINUTE - at;
    at = asUtc - offset;
  }
  return at;
}

/**
 * The first instant after `from` when the schedule opens or closes (flips from what it is at `from`),
 * within NEXT_CHANGE_HORIZON_DAYS days; null when it does not change in that time (no hours, or closed
 * for longer). A schedule only flips at one of its opening or closing times on the wall clock, so those
 * times on each day are the only instants tried. A time that a DST change skips is tried an hour off.
 *
 * @example
 * ```ts
 * const s: BusinessSchedule = { timeZone: 'Europe/Sofia', hours: [{ days: ['wed'], open: '09:00', close: '18:00' }], publicHolidays: false, closedDates: [] };
 * nextChange(s, new Date('2026-12-23T08:00:00Z')); // 2026-12-23T16:00:00.000Z (closes 18:00 in Sofia)
 * ```
 */
export function nextChange(schedule: BusinessSchedule, from: Date, overrides?: CalendarOverrides): Date | null {
  const open = isOpenAt(schedule, from, overrides);
  const boundaries = new Set<number>();
  for (const h of schedule.hours) {
    for (const t of [h.open, h.close]) {
      const m = minuteOfDay(t);
      if (m === null) throw new RangeError(`not a time of day (HH:MM): ${JSON.stringify(t)}`);
      boundaries.add(m % 1440);
    }
  }
  const start = wallClock(from, schedule.timeZone).date;
  const candidates: number[] = [];
  for (let day = 0; day <= NEXT_CHANGE_HORIZON_DAYS; day++) {
    const date = addDays(start, day);
    for (const m of boundaries) candidates.push(instantOf(date, m, schedule.timeZone));
  }
  candidates.sort((a, b) => a - b);
  const until = from.getTime() + NEXT_CHANGE_HORIZON_DAYS * 1440 * MINUTE;
  for (const at of candidates) {
    if (at <= from.getTime() || at > until) continue;
    if (isOpenAt(schedule, new Date(at), overrides) !== open) return new Date(at);
  }
  return null;
}
