import { describe, expect, it } from 'vitest';
import { patternSample } from './pattern-sample.js';

describe('patternSample', () => {
  it.each([
    ['^[A-Z]{2}$', 'AA'],
    ['^[A-Z]{2}[0-9A-Za-z+*.]{2,13}$', 'AA00'],
    ['^\\+[1-9][0-9]{6,14}$', '+1000000'],
    ['^(\\*|[a-z_]+(\\.[a-z_]+)*(\\.\\*)?)$', '*'],
    ['^[0-9*#]*$', ''],
    ['^[0-9*#A-D]*$', ''],
    ['^whsec_[A-Za-z0-9+/=]+$', 'whsec_A'],
    ['^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', 'AA'],
    ['abc', 'abc'],
  ])('%s → %j', (pattern, expected) => {
    const sample = patternSample(pattern);
    expect(sample).toBe(expected);
    expect(new RegExp(pattern, 'u').test(sample as string)).toBe(true);
  });

  it.each(['^[^a]+$', '^a{x}$'])('gives up on %s', (pattern) => {
    expect(patternSample(pattern)).toBeUndefined();
  });
});
