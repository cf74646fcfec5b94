import { isLocalDate, type LocalDate } from './local-date.js';

/**
 * The data half of the calendar, edited by the operator: what the law's rules cannot compute.
 *
 * - `daysOff`: extra non-working days decreed by the Council of Ministers (e.g. a bridge day).
 * - `workingDays`: days that would be off but are declared working (usually the Saturday that pays for
 *   a bridge day). Listing a statutory holiday here also makes it working: the operator's data is the
 *   last word, so a future change in the law needs no release.
 *
 * Dates carry their year, so one object can hold several years; the API may store it per year.
 *
 * @example
 * ```ts
 * const overrides: CalendarOverrides = { daysOff: ['2027-05-07'], workingDays: ['2027-05-15'] };
 * ```
 */
export interface CalendarOverrides {
  daysOff: readonly LocalDate[];
  workingDays: readonly LocalDate[];
}

/**
 * No overrides: the statutory calendar as the law computes it.
 *
 * @example
 * ```ts
 * isWorkingDay('2026-12-28', noOverrides); // false (in lieu of Saturday 26 December)
 * ```
 */
export const noOverrides: CalendarOverrides = { daysOff: [], workingDays: [] };

/**
 * One thing wrong with an overrides object, pointing at the entry.
 *
 * @example
 * ```ts
 * const p: OverrideProblem = { field: 'daysOff', index: 0, message: '2027-13-01 is not an ISO calendar date (YYYY-MM-DD)' };
 * ```
 */
export interface OverrideProblem {
  field: 'daysOff' | 'workingDays';
  index: number;
  message: string;
}

/**
 * Everything wrong with an overrides object (not a date, listed twice, in both lists); empty when valid.
 *
 * @example
 * ```ts
 * overrideProblems({ daysOff: ['2027-05-07'], workingDays: ['2027-05-07'] });
 * // [{ field: 'workingDays', index: 0, message: '2027-05-07 cannot be both a day off and a working day' }]
 * ```
 */
export function overrideProblems(overrides: CalendarOverrides): OverrideProblem[] {
  const problems: OverrideProblem[] = [];
  const off = new Set<string>();
  const seen = new Set<string>();
  for (const field of ['daysOff', 'workingDays'] as const) {
    seen.clear();
    overrides[field].forEach((date, index) => {
      if (!isLocalDate(date)) {
        problems.push({ field, index, message: `${JSON.stringify(date)} is not an ISO calendar date (YYYY-MM-DD)` });
        return;
      }
      if (seen.has(date)) problems.push({ field, index, message: `${date} is listed twice` });
      seen.add(date);
      if (field === 'daysOff') off.add(date);
      else if (off.has(date)) problems.push({ field, index, message: `${date} cannot be both a day off and a working day` });
    });
  }
  return problems;
}
