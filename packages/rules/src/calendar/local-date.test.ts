import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dateParts,
  daysBetween,
  daysInMonth,
  fromDayNumber,
  isLocalDate,
  isoWeekday,
  localDate,
  maxDate,
  minDate,
  startOfMonth,
  toDayNumber,
} from './local-date.js';

describe('local dates', () => {
  it.each([
    ['2026-01-01', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-01-01T00:00:00Z', false],
    ['', false],
    [20260101, false],
  ])('isLocalDate(%j) is %s', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });

  it('throws a RangeError naming the bad value', () => {
    expect(() => dateParts('2026-02-30')).toThrow(/2026-02-30/);
    expect(() => localDate(2026, 2, 30)).toThrow(RangeError);
  });

  it.each([
    ['1970-01-01', 0],
    ['1970-01-02', 1],
    ['1969-12-31', -1],
    ['2026-01-01', 20454],
  ])('%s is day %i', (date, n) => {
    expect(toDayNumber(date)).toBe(n);
    expect(fromDayNumber(n)).toBe(date);
  });

  it.each([
    // Across month, year, leap day and the DST changes of Sofia (none of which may shift a date).
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-28', 2, '2026-03-30'],
    ['2026-10-24', 2, '2026-10-26'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-05-10', 0, '2026-05-10'],
  ])('%s + %i days = %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(n);
  });

  it.each([
    ['2026-01-05', 1],
    ['2026-01-09', 5],
    ['2026-01-10', 6],
    ['2026-01-11', 7],
    ['1969-12-28', 7],
  ])('%s is ISO weekday %i', (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-03-31', 12, '2027-03-31'],
  ])('%s + %i months = %s', (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it.each([
    [2026, 2, 28],
    [2028, 2, 29],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 12, 31],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });

  it('picks the earlier, the later and the month start', () => {
    expect(minDate('2026-05-01', '2026-04-30')).toBe('2026-04-30');
    expect(maxDate('2026-05-01', '2026-04-30')).toBe('2026-05-01');
    expect(startOfMonth('2026-05-17')).toBe('2026-05-01');
  });
});
