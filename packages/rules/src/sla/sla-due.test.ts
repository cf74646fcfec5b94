import { describe, expect, it } from 'vitest';
import { slaDueTimes } from './sla-due.js';
import { formatSofiaTime } from './sofia-wall-time.js';

describe('slaDueTimes', () => {
  it('answers the issue 7 sample as RFC 3339 UTC strings, from a string or a Date', () => {
    const expected = {
      object: 'sla_due',
      severity: 'high',
      clock: 'support_hours',
      started_at: '2026-12-23T15:00:00.000Z',
      initial_response: '2026-12-29T14:00:00.000Z',
      temporary_solution: '2026-12-31T15:00:00.000Z',
      final_resolution: '2027-01-18T15:00:00.000Z',
    };
    expect(slaDueTimes('high', '2026-12-23T17:00:00+02:00')).toEqual(expected);
    expect(slaDueTimes('high', new Date('2026-12-23T15:00:00Z'))).toEqual(expected);
  });

  it('runs critical on the 24x7 clock and takes overrides', () => {
    expect(slaDueTimes('critical', '2026-12-23T15:00:00Z')).toMatchObject({ clock: '24x7', initial_response: '2026-12-23T16:00:00.000Z' });
    expect(slaDueTimes('high', '2026-12-23T15:00:00Z', { daysOff: ['2026-12-29'], workingDays: [] }).initial_response).toBe('2026-12-30T14:00:00.000Z');
  });

  it.each([
    ['2026-12-23T17:00:00.5+02:00', '2026-12-23T15:00:00.500Z'],
    ['2026-12-23T15:00:00.123Z', '2026-12-23T15:00:00.123Z'],
    ['2026-12-23T15:00:00.123456Z', '2026-12-23T15:00:00.123Z'],
    ['2026-12-23 15:00:00z', '2026-12-23T15:00:00.000Z'],
  ])('takes the RFC 3339 date-time %s (fractional seconds, a space, a lower-case z)', (at, started) => {
    expect(slaDueTimes('critical', at).started_at).toBe(started);
  });

  it('throws a RangeError for an unknown severity or an instant that is not RFC 3339 with a zone', () => {
    // Refused up front, for what is wrong with the input (not later, by the clock arithmetic).
    expect(() => slaDueTimes('urgent' as 'high', '2026-12-23T15:00:00Z')).toThrow(/severity must be one of critical, high, medium, low/);
    for (const at of ['2026-12-23T15:00:00', 'Dec 23 2026', '2026-12-23', '2026-12-23T15:00:00.Z', 20_261_223 as never]) {
      expect(() => slaDueTimes('high', at)).toThrow(/at must be an RFC 3339 date-time with a zone/);
    }
    expect(() => slaDueTimes('high', new Date(Number.NaN))).toThrow(/at must be a valid Date/);
  });
});

describe('formatSofiaTime', () => {
  it.each([
    ['2026-12-29T14:00:00Z', '2026-12-29 16:00 EET'],
    ['2026-07-01T09:00:00Z', '2026-07-01 12:00 EEST'],
    ['2026-03-29T00:59:00Z', '2026-03-29 02:59 EET'],
    ['2026-03-29T01:00:00Z', '2026-03-29 04:00 EEST'],
  ])('%s reads %s in Sofia', (instant, expected) => {
    expect(formatSofiaTime(new Date(instant))).toBe(expected);
  });
});
