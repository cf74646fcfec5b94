import { describe, expect, it } from 'vitest';
import type { CalendarOverrides } from './overrides.js';
import { overrideProblems } from './overrides.js';
import { addWorkingDays, isWorkingDay, nextWorkingDayOnOrAfter, workingDaysBetween } from './working-days.js';

// A made-up decree: Thursday 31 Dec 2026 off, paid back by working Saturday 19 Dec 2026.
const decree: CalendarOverrides = { daysOff: ['2026-12-31'], workingDays: ['2026-12-19'] };

describe('isWorkingDay', () => {
  it.each([
    ['2026-01-02', true, 'a Friday'],
    ['2026-01-03', false, 'a Saturday'],
    ['2026-01-01', false, 'New Year'],
    ['2026-04-10', false, 'Good Friday'],
    ['2026-04-13', false, 'Easter Monday'],
    ['2026-04-14', true, 'the Tuesday after Easter'],
    ['2026-05-25', false, 'the Monday in lieu of 24 May'],
    ['2026-12-28', false, 'the Monday in lieu of 26 Dec'],
    ['2026-12-29', true, 'the Tuesday after Christmas 2026'],
    ['2027-05-04', false, 'the Tuesday in lieu of 1 May on Holy Saturday'],
    ['2027-12-28', false, 'the second day in lieu of Christmas 2027'],
    ['2027-12-29', true, 'the Wednesday after Christmas 2027'],
    ['2028-11-01', true, 'National Awakeners Day (off for schools only)'],
  ])('%s is working: %s (%s)', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it.each([
    ['2026-12-31', false],
    ['2026-12-19', true],
    ['2026-12-20', false],
    ['2026-12-30', true],
  ])('with overrides, %s is working: %s', (date, expected) => {
    expect(isWorkingDay(date, decree)).toBe(expected);
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2026-01-05', 5, '2026-01-12', 'Monday + 5 crosses a weekend'],
    ['2026-01-03', 5, '2026-01-09', 'from a Saturday, Monday is day 1'],
    ['2025-12-31', 1, '2026-01-02', 'skips New Year'],
    ['2026-04-08', 5, '2026-04-17', 'skips Good Friday to Easter Monday'],
    ['2026-05-20', 5, '2026-05-28', 'skips 25 May in lieu'],
    ['2026-12-22', 5, '2027-01-04', 'Christmas, the day in lieu and New Year'],
    ['2027-04-28', 5, '2027-05-11', 'Easter, 1 May moved to 4 May, and 6 May'],
    ['2027-12-23', 2, '2027-12-30', 'two days in lieu after Christmas 2027'],
    ['2026-01-09', -5, '2026-01-02', 'backwards'],
    ['2026-01-10', 0, '2026-01-10', 'zero days is the date itself'],
  ])('%s + %i = %s (%s)', (date, n, expected) => {
    expect(addWorkingDays(date, n)).toBe(expected);
  });

  it.each([
    ['2026-12-28', 3, '2027-01-04', 'the decreed 31 Dec is skipped'],
    ['2026-12-17', 1, '2026-12-18', 'a Friday is still a Friday'],
    ['2026-12-18', 1, '2026-12-19', 'the working Saturday counts'],
  ])('with overrides, %s + %i = %s (%s)', (date, n, expected) => {
    expect(addWorkingDays(date, n, decree)).toBe(expected);
  });

  it('refuses a fractional count', () => {
    expect(() => addWorkingDays('2026-01-05', 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['2026-01-05', '2026-01-12', 5],
    ['2026-01-12', '2026-01-05', -5],
    ['2026-01-05', '2026-01-05', 0],
    ['2026-12-22', '2027-01-04', 5],
    // Whole years: weekdays minus the holidays and days in lieu that fall on them (12 each year).
    ['2025-12-31', '2026-12-31', 261 - 12],
    ['2026-12-31', '2027-12-31', 261 - 12],
    ['2027-12-31', '2028-12-31', 260 - 12],
  ])('(%s, %s] has %i working days', (a, b, n) => {
    expect(workingDaysBetween(a, b)).toBe(n);
  });

  it.each([
    ['2026-01-02', 0],
    ['2026-02-13', 7],
    ['2026-12-22', 12],
    ['2027-04-28', 30],
  ])('inverts addWorkingDays from %s + %i', (date, n) => {
    expect(workingDaysBetween(date, addWorkingDays(date, n))).toBe(n);
  });

  it('counts the overrides', () => {
    // 2-31 Dec 2026: 22 weekdays less 24, 25 and 28 Dec.
    expect(workingDaysBetween('2026-12-01', '2026-12-31')).toBe(19);
    expect(workingDaysBetween('2026-12-01', '2026-12-31', decree)).toBe(19); // +19 Dec, -31 Dec
    expect(workingDaysBetween('2026-12-01', '2026-12-30', decree)).toBe(19);
    expect(workingDaysBetween('2026-12-01', '2026-12-30')).toBe(18);
  });
});

describe('nextWorkingDayOnOrAfter', () => {
  it.each([
    ['2026-12-24', '2026-12-29'],
    ['2026-12-29', '2026-12-29'],
    ['2027-12-24', '2027-12-29'],
  ])('%s -> %s', (date, expected) => {
    expect(nextWorkingDayOnOrAfter(date)).toBe(expected);
  });
});

describe('overrideProblems', () => {
  it.each([
    ['valid', decree, []],
    ['a bad date', { daysOff: ['2026-02-30'], workingDays: [] }, ['daysOff[0]: "2026-02-30" is not an ISO calendar date (YYYY-MM-DD)']],
    ['a duplicate', { daysOff: ['2026-12-31', '2026-12-31'], workingDays: [] }, ['daysOff[1]: 2026-12-31 is listed twice']],
    ['both lists', { daysOff: ['2026-12-31'], workingDays: ['2026-12-31'] }, ['workingDays[0]: 2026-12-31 cannot be both a day off and a working day']],
  ])('%s', (_name, overrides, expected) => {
    expect(overrideProblems(overrides).map((p) => `${p.field}[${p.index}]: ${p.message}`)).toEqual(expected);
  });
});
