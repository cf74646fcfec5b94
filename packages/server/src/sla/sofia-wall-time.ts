import { dateParts, type LocalDate, SOFIA_TIME_ZONE } from '../calendar/index.js';

/**
 * The instant a Sofia wall-clock time happens on a given date (09:00 on 2026-03-30 is 06:00Z, EEST).
 *
 * Why here and not in calendar/: the calendar only offers `sofiaStartOfDay`, and "midnight + 9 hours" is
 * wrong on the two DST days (clocks change at 03:00/04:00, between midnight and the 09:00 opening). Support
 * hours are the only user of times of day so far; when the calendar moves to the SDK this can move with it.
 */
const wallFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: SOFIA_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** `YYYY-MM-DDTHH:mm` as a Sofia wall clock shows it at that instant. */
export function sofiaWallClockOf(instant: Date): string {
  const parts = wallFormatter.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/**
 * Sofia is UTC+3 (EEST) or UTC+2 (EET); the candidate whose wall clock reads back as asked is the answer.
 * +3 is tried first so that a time that happens twice (03:00-03:59 on the last Sunday of October) gives the
 * earlier instant; a time that never happens (03:00-03:59 on the last Sunday of March) throws. Neither can
 * occur for 09:00 or 18:00.
 */
export function sofiaInstant(date: LocalDate, hour: number, minute = 0): Date {
  const { year, month, day } = dateParts(date);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`not a time of day: ${hour}:${minute}`);
  }
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute);
  const wanted = `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  for (const offsetHours of [3, 2]) {
    const candidate = new Date(asIfUtc - offsetHours * 3_600_000);
    if (sofiaWallClockOf(candidate) === wanted) return candidate;
  }
  throw new RangeError(`${wanted} does not exist in Sofia (clocks skip it)`);
}
