import { describe, expect, it } from 'vitest';
import { sofiaInstant, sofiaWallClockOf } from './sofia-wall-time.js';

describe('sofiaInstant', () => {
  it.each([
    ['2026-01-15', 9, 0, '2026-01-15T07:00:00.000Z', 'winter, EET'],
    ['2026-07-15', 9, 0, '2026-07-15T06:00:00.000Z', 'summer, EEST'],
    ['2026-03-29', 9, 0, '2026-03-29T06:00:00.000Z', 'the spring change day: 09:00 is already EEST'],
    ['2026-03-29', 2, 59, '2026-03-29T00:59:00.000Z', 'the spring change day: 02:59 is still EET'],
    ['2026-10-25', 9, 0, '2026-10-25T07:00:00.000Z', 'the autumn change day: 09:00 is already EET'],
    ['2026-10-25', 3, 30, '2026-10-25T00:30:00.000Z', 'the repeated hour: the first (EEST) one'],
    ['2026-10-25', 18, 0, '2026-10-25T16:00:00.000Z', 'the autumn change day, closing'],
  ])('%s %i:%i is %s (%s)', (date, hour, minute, expected) => {
    const instant = sofiaInstant(date, hour, minute);
    expect(instant.toISOString()).toBe(expected);
    expect(sofiaWallClockOf(instant)).toBe(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
  });

  it('refuses a wall time the spring change skips', () => {
    expect(() => sofiaInstant('2026-03-29', 3, 30)).toThrow(/does not exist/);
  });

  // Refused as no time of day at all, before any clock arithmetic (which would fail later, for another reason).
  it.each([
    [24, 0],
    [9, 60],
    [-1, 0],
    [9.5, 0],
    [9, -1],
    [9, 0.5],
    [Number.NaN, 0],
  ])('refuses %s:%s as not a time of day', (hour, minute) => {
    expect(() => sofiaInstant('2026-01-15', hour, minute)).toThrow(/not a time of day/);
  });

  it.each([
    [0, 0, '2026-01-14T22:00:00.000Z'],
    [23, 59, '2026-01-15T21:59:00.000Z'],
  ])('takes the bounds %s:%s', (hour, minute, expected) => {
    expect(sofiaInstant('2026-01-15', hour, minute).toISOString()).toBe(expected);
  });
});
