import { describe, expect, it } from 'vitest';
import { bgnToEur, type Currency, divideHalfUp, formatAmount, formatMoney, money, mulDiv, parseAmount, percentOf, sumMoney } from './money.js';

describe('rounding', () => {
  it.each([
    [10_000, 2000, 2000, 'exact'],
    [1, 2000, 0, '0.2 rounds down'],
    [3, 2000, 1, '0.6 rounds up'],
    [2, 2500, 1, '0.5 rounds up (half-up, not to even)'],
    [6, 2500, 2, '1.5 rounds up'],
    [10, 2500, 3, '2.5 rounds up (banker would give 2)'],
    [-2, 2500, -1, '-0.5 rounds away from zero, mirroring +0.5'],
    [-3, 2000, -1, '-0.6'],
    [4999, 2000, 1000, '999.8'],
    [12_345, 2000, 2469, '2469'],
    [Number.MAX_SAFE_INTEGER, 10_000, Number.MAX_SAFE_INTEGER, 'no overflow on huge amounts'],
  ])('percentOf(%i, %i bp) = %i (%s)', (amount, bp, expected) => {
    expect(percentOf(amount, bp)).toBe(expected);
  });

  it.each([
    [5n, 10n, 1],
    [14n, 10n, 1],
    [15n, 10n, 2],
    [-14n, 10n, -1],
    [-15n, 10n, -2],
    [0n, 7n, 0],
  ])('divideHalfUp(%s, %s) = %i', (numerator, denominator, expected) => {
    expect(divideHalfUp(numerator, denominator)).toBe(expected);
  });

  it.each([
    ['a fractional amount', () => mulDiv(1.5, 1, 2)],
    ['a zero denominator', () => mulDiv(1, 1, 0)],
    ['a result beyond safe integers', () => mulDiv(Number.MAX_SAFE_INTEGER, 2, 1)],
    ['a fractional Money', () => money(0.1, 'EUR')],
  ])('refuses %s', (_name, fn) => {
    expect(fn).toThrow(RangeError);
  });
});

describe('sumMoney', () => {
  it('adds amounts of one currency and refuses to mix', () => {
    expect(sumMoney([money(100, 'EUR'), money(250, 'EUR')], 'EUR')).toEqual({ amount: 350, currency: 'EUR' });
    expect(() => sumMoney([money(100, 'EUR'), money(250, 'BGN')], 'EUR')).toThrow(/BGN/);
  });
});

describe('bgnToEur', () => {
  it.each([
    [195_583, 100_000, '1955.83 BGN is exactly 1000 EUR'],
    [100, 51, '1 lev = 0.511... EUR'],
    [1000, 511, '10 leva'],
    [9999, 5112, '99.99 leva'],
    [1, 1, 'one stotinka = 0.51 cent, rounds up'],
    [50, 26, '0.50 leva = 25.56 cents'],
  ])('%i stotinki -> %i cents (%s)', (bgn, eur) => {
    expect(bgnToEur(bgn)).toBe(eur);
  });
});

describe('formatting and parsing', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [100, '1.00'],
    [123_456, '1234.56'],
  ])('formatAmount(%i) = %s', (amount, text) => {
    expect(formatAmount(amount)).toBe(text);
    expect(parseAmount(text)).toBe(amount);
  });

  it.each([
    ['12.5', 1250],
    ['-3', -300],
    ['-0', 0],
    ['007.10', 710],
  ])('parseAmount(%s) = %i', (text, amount) => {
    expect(parseAmount(text)).toBe(amount);
  });

  it.each(['1.234', '1,50', '', '.5', '1e3', ' 1', '1.', '+1'])('parseAmount refuses %j', (text) => {
    expect(() => parseAmount(text)).toThrow(RangeError);
  });

  it.each([
    [123_456, 'EUR', 'en', 'EUR 1,234.56'],
    [123_456, 'EUR', 'bg', '1 234,56 €'],
    [123_456_789, 'BGN', 'bg', '1 234 567,89 лв.'],
    [123_456_789, 'BGN', 'en', 'BGN 1,234,567.89'],
    [-5, 'EUR', 'en', 'EUR -0.05'],
    [-5, 'EUR', 'bg', '-0,05 €'],
    [100_000, 'EUR', 'en', 'EUR 1,000.00'],
    [99_999, 'EUR', 'bg', '999,99 €'],
  ])('formatMoney(%i %s, %s) = %s', (amount, currency, locale, text) => {
    expect(formatMoney(money(amount, currency as Currency), locale as 'en' | 'bg')).toBe(text);
  });
});
