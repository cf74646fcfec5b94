import { describe, expect, it } from 'vitest';
import { sofiaDateOf, sofiaStartOfDay } from './sofia-time.js';

describe('Sofia dates of instants', () => {
  it.each([
    ['2026-01-01T21:59:59.999Z', '2026-01-01'], // 23:59 EET
    ['2026-01-01T22:00:00.000Z', '2026-01-02'], // 00:00 EET
    ['2026-07-01T20:59:59.999Z', '2026-07-01'], // 23:59 EEST
    ['2026-07-01T21:00:00.000Z', '2026-07-02'], // 00:00 EEST
    ['2026-12-31T23:30:00.000Z', '2027-01-01'], // new year in Sofia, still the old one in UTC
  ])('%s is %s in Sofia', (instant, date) => {
    expect(sofiaDateOf(new Date(instant))).toBe(date);
  });

  it.each([
    ['2026-01-15', '2026-01-14T22:00:00.000Z'],
    ['2026-03-29', '2026-03-28T22:00:00.000Z'], // clocks go forward at 03:00 that day: midnight is still EET
    ['2026-03-30', '2026-03-29T21:00:00.000Z'],
    ['2026-10-25', '2026-10-24T21:00:00.000Z'], // clocks go back at 04:00 that day: midnight is still EEST
    ['2026-10-26', '2026-10-25T22:00:00.000Z'],
  ])('%s starts at %s', (date, instant) => {
    expect(sofiaStartOfDay(date).toISOString()).toBe(instant);
  });
});
