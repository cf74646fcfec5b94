import { describe, expect, it } from 'vitest';
import { JITTER, jittered, MAX_TRIES, RETRY_AFTER_CAP_MS, retryAfterMs, retryDelayMs } from './schedule.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const now = new Date('2026-11-26T09:30:00.000Z');
const noJitter = () => 0.5;

describe('retry schedule', () => {
  it.each([
    [1, 5 * S],
    [2, 5 * M],
    [3, 30 * M],
    [4, 2 * H],
    [5, 5 * H],
    [6, 10 * H],
    [7, 10 * H],
    [8, undefined],
    [9, undefined],
  ])('after %i failed tries waits %s ms', (tries, delay) => {
    expect(retryDelayMs(tries, noJitter)).toBe(delay);
  });

  it('gives up after the first try and seven retries', () => {
    expect(MAX_TRIES).toBe(8);
  });

  it.each([
    // [random, base, expected]: random 0 is the low edge, just under 1 the high edge.
    [0, 5 * S, 4.5 * S],
    [0.5, 5 * S, 5 * S],
    [0.999999, 5 * S, 5.5 * S],
    [0, 10 * H, 9 * H],
    [0.75, 10 * H, 10.5 * H],
  ])('jitter with random %f moves %i ms to %i ms', (random, base, expected) => {
    expect(jittered(base, () => random)).toBe(expected);
  });

  it('jitter stays within ±10% for any random value', () => {
    for (let r = 0; r < 1; r += 0.01) {
      const ms = jittered(5 * M, () => r);
      expect(ms).toBeGreaterThanOrEqual(5 * M * (1 - JITTER));
      expect(ms).toBeLessThanOrEqual(5 * M * (1 + JITTER));
    }
  });
});

describe('Retry-After', () => {
  it.each<[string | string[] | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['120', 120 * S],
    [' 120 ', 120 * S],
    [['30', '60'], 30 * S],
    ['0', S], // floor: never a tight loop
    ['86400', 24 * H],
    ['999999', RETRY_AFTER_CAP_MS], // cap: a day at most
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Thu, 26 Nov 2026 09:32:00 GMT', 2 * M],
    ['Thursday, 26-Nov-26 09:35:00 GMT', 5 * M], // RFC 850, which receivers must still accept
    ['Thu Nov 26 09:30:30 2026', 30 * S], // asctime: GMT though it does not say so
    ['Thu, 26 Nov 2026 09:00:00 GMT', S], // in the past
    ['Sat, 26 Dec 2026 09:30:00 GMT', RETRY_AFTER_CAP_MS],
  ])('%j -> %s ms', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});
