import { describe, expect, it } from 'vitest';
import { fromDayNumber, isLocalDate, tryParseLocalDate } from './local-date.js';
import { orthodoxEaster } from './orthodox-easter.js';

// The edges of the calendar rules: the last value each still takes and the first it refuses.

describe('tryParseLocalDate: every part in range', () => {
  it.each([
    ['1000-01-01', { year: 1000, month: 1, day: 1 }],
    ['2026-12-31', { year: 2026, month: 12, day: 31 }],
    ['2028-02-29', { year: 2028, month: 2, day: 29 }],
  ])('takes %s', (text, parts) => {
    expect(tryParseLocalDate(text)).toEqual(parts);
  });

  it.each([['0999-12-31'], ['2026-00-10'], ['2026-13-01'], ['2026-05-00'], ['2026-04-31'], ['2027-02-29']])('refuses %s', (text) => {
    expect(tryParseLocalDate(text)).toBeNull();
    expect(isLocalDate(text)).toBe(false);
  });

  it.each([[20_260_101], [null], [new Date('2026-01-01T00:00:00Z')]])('isLocalDate(%j) is false for what is not a string', (value) => {
    expect(isLocalDate(value)).toBe(false);
  });
});

describe('fromDayNumber', () => {
  it.each([[0.5], [Number.NaN]])('refuses %s', (n) => {
    expect(() => fromDayNumber(n)).toThrow(/day number must be an integer/);
  });
});

describe('orthodoxEaster: the years the computus covers', () => {
  it.each([
    [1583, '1583-04-10'],
    [4099, '4099-05-03'],
  ])('%i: %s', (year, date) => {
    expect(orthodoxEaster(year)).toBe(date);
  });

  it.each([[1582], [4100]])('refuses %i', (year) => {
    expect(() => orthodoxEaster(year)).toThrow(/year out of range/);
  });
});
