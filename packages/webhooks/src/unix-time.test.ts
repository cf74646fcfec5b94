import { describe, expect, it } from 'vitest';
import { toUnixSeconds } from './unix-time.js';

describe('toUnixSeconds', () => {
  it.each([
    [0, 0],
    [1.9, 1],
    [1_764_149_400, 1_764_149_400],
    // The last value still read as seconds (year 5138); one more looks like Date.now().
    [1e11, 1e11],
  ])('takes %s as %s seconds', (value, seconds) => {
    expect(toUnixSeconds(value, 'x')).toBe(seconds);
  });

  it('floors a Date to whole seconds', () => {
    expect(toUnixSeconds(new Date(1_764_149_400_999), 'x')).toBe(1_764_149_400);
  });

  it.each([[-1], [-0.5], [Number.NaN], [Number.POSITIVE_INFINITY], ['1764149400' as never], [null as never]])('refuses %s as not seconds', (value) => {
    expect(() => toUnixSeconds(value, 'x')).toThrow(TypeError);
  });

  it('refuses milliseconds', () => {
    expect(() => toUnixSeconds(1e11 + 1, 'x')).toThrow(RangeError);
    expect(() => toUnixSeconds(new Date(Number.NaN), 'x')).toThrow(TypeError);
  });
});
