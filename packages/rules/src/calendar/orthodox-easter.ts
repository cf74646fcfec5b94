import { addDays, type LocalDate, localDate } from './local-date.js';

/**
 * Orthodox Easter Sunday of a year, as a Gregorian date.
 *
 * The Bulgarian Orthodox Church keeps the Julian paschalion (the Revised Julian calendar it uses for
 * fixed feasts does not apply to Easter), so: Meeus' Julian computus, then the Julian-to-Gregorian
 * offset of that century (13 days for 1900-2099, 14 from March 2100). Checked against published dates
 * for 2010-2035 and for being a Sunday between 4 April and 8 May throughout 1900-2099.
 *
 * @example
 * ```ts
 * orthodoxEaster(2026); // '2026-04-12'
 * ```
 */
export function orthodoxEaster(year: number): LocalDate {
  if (!Number.isInteger(year) || year < 1583 || year > 4099) throw new RangeError(`year out of range for the computus: ${year}`);
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  // Easter is always after February, so the century's offset is the one in force on the Julian date.
  const offset = Math.floor(year / 100) - Math.floor(year / 400) - 2;
  return addDays(localDate(year, month, day), offset);
}
