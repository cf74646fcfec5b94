import { describe, expect, it } from 'vitest';
import { adjustPrice, checkPriceChange, cpiChangeBasisPoints, type PriceChangeInput, parseCpiIndex } from './cpi.js';

describe('parseCpiIndex', () => {
  it.each([
    ['104.2', 10_420, 420],
    ['98.75', 9875, -125],
    ['100', 10_000, 0],
    [' 103.5 ', 10_350, 350],
  ])('%j = %i hundredths, %i bp', (text, hundredths, bp) => {
    expect(parseCpiIndex(text)).toBe(hundredths);
    expect(cpiChangeBasisPoints(hundredths)).toBe(bp);
  });

  it.each(['104,2', '104.234', '', '-1', '49.99', '200.01', 'abc', '1e2'])('refuses %j', (text) => {
    expect(() => parseCpiIndex(text)).toThrow(RangeError);
  });
});

describe('adjustPrice: price x index / 100, half-up on minor units', () => {
  it.each([
    [4990, 10_420, 5200, '49.90 at 104.2 = 51.9958'],
    [10_000, 10_420, 10_420, '100.00 at 104.2'],
    [1000, 10_425, 1043, '10.425 rounds up'],
    [1000, 9875, 988, 'deflation lowers the price; 9.875 rounds up'],
    [100, 10_000, 100, 'index 100 changes nothing'],
    [12_345, 10_310, 12_728, '127.27695'],
  ])('%i at %i = %i (%s)', (price, index, expected) => {
    expect(adjustPrice(price, index)).toBe(expected);
  });

  it.each([
    [10.5, 10_420],
    [1000, 0],
    [1000, 104.2],
  ])('refuses price %d at index %d', (price, index) => {
    expect(() => adjustPrice(price, index)).toThrow(RangeError);
  });
});

describe('checkPriceChange: at least 30 days notice, once a year', () => {
  it.each<[string, PriceChangeInput, string | null, string | null]>([
    ['30 days is enough', { noticeOn: '2027-01-15', effectiveOn: '2027-02-14' }, null, null],
    ['60 days', { noticeOn: '2027-01-15', effectiveOn: '2027-03-16' }, null, null],
    ['29 days is refused', { noticeOn: '2027-01-15', effectiveOn: '2027-02-13' }, 'notice_too_short', '2027-02-14'],
    ['the same day is refused', { noticeOn: '2027-01-15', effectiveOn: '2027-01-15' }, 'notice_too_short', '2027-02-14'],
    ['30 days across February', { noticeOn: '2027-02-01', effectiveOn: '2027-03-03' }, null, null],
    ['effective before the notice', { noticeOn: '2027-01-15', effectiveOn: '2027-01-01' }, 'effective_before_notice', '2027-02-14'],
    [
      'less than a year after the previous adjustment',
      { noticeOn: '2027-01-15', effectiveOn: '2027-02-14', previousEffectiveOn: '2026-03-01' },
      'more_than_once_a_year',
      '2027-03-01',
    ],
    ['a year after the previous adjustment', { noticeOn: '2027-01-15', effectiveOn: '2027-03-01', previousEffectiveOn: '2026-03-01' }, null, null],
    [
      'short notice is reported before the yearly limit',
      { noticeOn: '2027-02-20', effectiveOn: '2027-03-01', previousEffectiveOn: '2026-03-01' },
      'notice_too_short',
      '2027-03-22',
    ],
  ])('%s', (_name, input, code, earliest) => {
    const check = checkPriceChange(input);
    if (code === null) {
      expect(check).toEqual({ ok: true });
      return;
    }
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.code).toBe(code);
    expect(check.earliestEffectiveOn).toBe(earliest);
    expect(check.reason.length).toBeGreaterThan(20);
  });

  it('explains a refusal in words', () => {
    const check = checkPriceChange({ noticeOn: '2027-01-15', effectiveOn: '2027-02-13' });
    expect(check).toMatchObject({ ok: false, reason: "terms 7.3 require at least 30 days' notice; 2027-01-15 to 2027-02-13 is 29" });
  });
});
