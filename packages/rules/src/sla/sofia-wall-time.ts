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

/**
 * `YYYY-MM-DDTHH:mm` as a Sofia wall clock shows it at that instant.
 *
 * @example
 * ```ts
 * sofiaWallClockOf(new Date('2026-12-29T14:00:00Z')); // '2026-12-29T16:00'
 * ```
 */
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
 *
 * @example
 * ```ts
 * sofiaInstant('2026-03-30', 9).toISOString(); // '2026-03-30T06:00:00.000Z'
 * ```
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

/**
 * An instant as people in Sofia read it, with the zone's abbreviation: `2026-12-29 16:00 EET` in winter,
 * `2026-07-01 12:00 EEST` in summer (what `prolope sla due` prints next to the UTC times).
 *
 * @example
 * ```ts
 * formatSofiaTime(new Date('2026-12-29T14:00:00Z')); // '2026-12-29 16:00 EET'
 * formatSofiaTime(new Date('2026-07-01T09:00:00Z')); // '2026-07-01 12:00 EEST'
 * ```
 */
export function formatSofiaTime(instant: Date): string {
  const wall = sofiaWallClockOf(instant);
  // The wall clock read as if it were UTC, minus the instant, is Sofia's offset: 2 h (EET) or 3 h (EEST).
  const wallMs = Date.parse(`${wall}:00Z`);
  const offsetMs = wallMs - Math.floor(instant.getTime() / 60_000) * 60_000;
  return `${wall.replace('T', ' ')} ${offsetMs === 3 * 3_600_000 ? 'EEST' : 'EET'}`;
}
