import { describe, expect, it } from 'vitest';
import { type BillingInterval, feeForDays, firstMonthFee, oneMonthFee, oneYearFee, prorate } from './proration.js';

describe('firstMonthFee: daily proration from the activation date', () => {
  it.each([
    [3000, '2026-04-01', 3000, 'activated on the 1st: the whole month'],
    [3000, '2026-04-16', 1500, '15 of 30 days'],
    [3000, '2026-04-30', 100, '1 of 30 days'],
    [4990, '2026-02-15', 2495, '14 of 28 days'],
    [4990, '2028-02-15', 2581, '15 of 29 days (leap year): 2581.03'],
    [1000, '2026-01-31', 32, '1 of 31 days: 32.26'],
    [999, '2026-03-17', 483, '15 of 31 days: 483.39'],
  ])('%i from %s = %i (%s)', (fee, activatedOn, expected) => {
    expect(firstMonthFee(fee, activatedOn)).toBe(expected);
  });
});

describe('feeForDays', () => {
  it.each([
    [3100, '2026-01-01', '2026-01-31', 3100],
    [3100, '2026-01-10', '2026-01-19', 1000],
    [3100, '2026-01-10', '2026-01-10', 100],
  ])('%i for %s..%s = %i', (fee, from, to, expected) => {
    expect(feeForDays(fee, from, to)).toBe(expected);
  });

  it.each([
    ['2026-01-20', '2026-02-05'],
    ['2026-01-20', '2026-01-19'],
  ])('refuses %s..%s', (from, to) => {
    expect(() => feeForDays(3100, from, to)).toThrow(RangeError);
  });
});

describe('prorate', () => {
  it.each([
    [1000, -1, 30],
    [1000, 31, 30],
    [1000, 1, 0],
    [1000.5, 1, 30],
  ])('refuses fee %d for %d of %d days', (fee, used, period) => {
    expect(() => prorate(fee, used, period)).toThrow(RangeError);
  });
});

describe('one month and one year of fees', () => {
  it.each<[number, BillingInterval, number, number]>([
    [4990, 'month', 4990, 59_880],
    [59_880, 'year', 4990, 59_880],
    [10_000, 'year', 833, 10_000], // 833.33
    [10_006, 'year', 834, 10_006], // 833.83
  ])('a fee of %i a %s: one month %i, one year %i', (fee, interval, month, year) => {
    expect(oneMonthFee(fee, interval)).toBe(month);
    expect(oneYearFee(fee, interval)).toBe(year);
  });
});
