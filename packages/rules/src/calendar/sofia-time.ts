import { addDays, dateParts, type LocalDate } from './local-date.js';

/**
 * The zone every Prolope calendar date is read in: terms are Bulgarian, support hours are "EET".
 *
 * @example
 * ```ts
 * new Date().toLocaleString('bg-BG', { timeZone: SOFIA_TIME_ZONE });
 * ```
 */
export const SOFIA_TIME_ZONE = 'Europe/Sofia';

const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: SOFIA_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The Sofia calendar date an instant falls on (what a clock's `now()` means for billing).
 *
 * @example
 * ```ts
 * sofiaDateOf(new Date('2026-12-23T22:30:00Z')); // '2026-12-24' (00:30 in Sofia)
 * ```
 */
export function sofiaDateOf(instant: Date): LocalDate {
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The instant a Sofia calendar day begins (00:00 local, 22:00 or 21:00 UTC the day before).
 * Sofia changes clocks at 03:00/04:00, so midnight always exists exactly once.
 *
 * @example
 * ```ts
 * sofiaStartOfDay('2026-12-24').toISOString(); // '2026-12-23T22:00:00.000Z'
 * ```
 */
export function sofiaStartOfDay(date: LocalDate): Date {
  const { year, month, day } = dateParts(date);
  const utcMidnight = Date.UTC(year, month - 1, day);
  // Sofia is UTC+2 in winter and UTC+3 in summer: one of the two candidates is the local midnight.
  for (const offsetHours of [2, 3]) {
    const candidate = new Date(utcMidnight - offsetHours * 3_600_000);
    if (sofiaDateOf(candidate) === date && sofiaDateOf(new Date(candidate.getTime() - 1)) === addDays(date, -1)) return candidate;
  }
  throw new RangeError(`no Sofia midnight found for ${date}`);
}
