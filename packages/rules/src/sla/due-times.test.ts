import { describe, expect, it } from 'vitest';
import { dueTime, dueTimes } from './due-times.js';
import { SEVERITY_RULES, type Severity, type SlaTarget } from './severity.js';
import { sofiaWallClockOf } from './sofia-wall-time.js';

const iso = (text: string) => new Date(text).toISOString();
const HOUR = 3_600_000;

describe('dueTimes', () => {
  it.each<[Severity, string, string, string, string, string]>([
    // severity, description completed, initial response, temporary solution, final resolution, why
    [
      'high',
      '2026-12-23T17:00:00+02:00',
      '2026-12-29T16:00:00+02:00',
      '2026-12-31T17:00:00+02:00',
      '2027-01-18T17:00:00+02:00',
      'the CLI sample: Christmas, 28 Dec in lieu, New Year',
    ],
    ['medium', '2026-12-23T17:00:00+02:00', '2026-12-31T17:00:00+02:00', '2027-01-07T17:00:00+02:00', '2027-01-27T17:00:00+02:00', 'the same start, medium'],
    ['low', '2026-12-23T17:00:00+02:00', '2027-01-05T17:00:00+02:00', '2027-01-20T17:00:00+02:00', '2027-02-23T17:00:00+02:00', 'the same start, low'],
    [
      'critical',
      '2026-12-23T17:00:00+02:00',
      '2026-12-23T18:00:00+02:00',
      '2026-12-24T01:00:00+02:00',
      '2026-12-30T17:00:00+02:00',
      'critical runs straight through Christmas',
    ],
    [
      'medium',
      '2026-01-14T10:00:00+02:00',
      '2026-01-19T10:00:00+02:00',
      '2026-01-23T10:00:00+02:00',
      '2026-02-12T10:00:00+02:00',
      'Wednesday 10:00 + 3 days = Monday 10:00; + 7 days (63 h) = Friday 10:00',
    ],
    [
      'high',
      '2026-01-10T11:00:00+02:00',
      '2026-01-12T17:00:00+02:00',
      '2026-01-14T18:00:00+02:00',
      '2026-01-29T18:00:00+02:00',
      'described on a Saturday: counts from Monday 09:00',
    ],
    [
      'high',
      '2026-01-12T07:00:00+02:00',
      '2026-01-12T17:00:00+02:00',
      '2026-01-14T18:00:00+02:00',
      '2026-01-29T18:00:00+02:00',
      'described at 07:00: counts from 09:00 (same as Saturday)',
    ],
    [
      'critical',
      '2026-01-10T11:00:00+02:00',
      '2026-01-10T12:00:00+02:00',
      '2026-01-10T19:00:00+02:00',
      '2026-01-17T11:00:00+02:00',
      'critical on a Saturday starts at once',
    ],
    [
      'critical',
      '2026-10-25T00:30:00+03:00',
      '2026-10-25T01:30:00+03:00',
      '2026-10-25T07:30:00+02:00',
      '2026-10-31T23:30:00+02:00',
      'critical over the autumn change: real hours (7 days show 23:30, not 00:30)',
    ],
    [
      'critical',
      '2026-03-29T01:00:00+02:00',
      '2026-03-29T02:00:00+02:00',
      '2026-03-29T10:00:00+03:00',
      '2026-04-05T02:00:00+03:00',
      'critical over the spring change: real hours',
    ],
  ])('%s from %s', (severity, start, initial, temporary, final) => {
    const due = dueTimes(severity, new Date(start));
    expect({
      initial_response: due.initial_response.toISOString(),
      temporary_solution: due.temporary_solution.toISOString(),
      final_resolution: due.final_resolution.toISOString(),
    }).toEqual({ initial_response: iso(initial), temporary_solution: iso(temporary), final_resolution: iso(final) });
  });

  it('prints the CLI sample for a human check', () => {
    // 23 Dec 2026 is a Wednesday: 17:00-18:00 counts (1 h). 24-26 Dec are holidays, 27 is a Sunday, and
    // Monday 28 Dec is off in lieu of 26 Dec (a Saturday). Tuesday 29 Dec 09:00 + 7 h = 16:00 (8 h).
    // 3 days = 27 h: 1 + 9 (29th) + 9 (30th) = 19, + 8 on Thursday 31 Dec = 17:00.
    // 14 days = 126 h: 28 h by 31 Dec; 1 Jan is a holiday; 4-8 and 11-15 Jan add 90 (118); Monday 18 Jan + 8 = 17:00.
    const due = dueTimes('high', new Date('2026-12-23T17:00:00+02:00'));
    expect(Object.fromEntries(Object.entries(due).map(([k, v]) => [k, sofiaWallClockOf(v)]))).toEqual({
      initial_response: '2026-12-29T16:00',
      temporary_solution: '2026-12-31T17:00',
      final_resolution: '2027-01-18T17:00',
    });
  });

  it.each<[string, SlaTarget, number, string]>([
    ['2026-10-24T22:00:00.000Z', 'temporary_solution', 8 * HOUR, 'the 8 h across the October change are 8 real hours'],
    ['2026-10-20T09:00:00.000Z', 'final_resolution', 7 * 24 * HOUR, '7 days across it are 168 real hours (wall time shows 11:00 not 12:00)'],
  ])('critical from %s: %s is %i ms later (%s)', (start, target, ms) => {
    const s = new Date(start);
    expect(dueTime('critical', target, s).getTime() - s.getTime()).toBe(ms);
  });

  it('across the October change a support-hours due time keeps its wall time', () => {
    // High, 3 days = 27 support hours from Thursday 22 Oct 2026 12:00 EEST: 6 + 9 (Fri) + 9 (Mon 26, EET) + 3.
    const due = dueTime('high', 'temporary_solution', new Date('2026-10-22T12:00:00+03:00'));
    expect(sofiaWallClockOf(due)).toBe('2026-10-27T12:00');
    expect(due.toISOString()).toBe(iso('2026-10-27T12:00:00+02:00'));
  });

  it('applies the overrides (a decreed 31 Dec 2026 off)', () => {
    const due = dueTime('high', 'temporary_solution', new Date('2026-12-23T17:00:00+02:00'), { daysOff: ['2026-12-31'], workingDays: [] });
    expect(due.toISOString()).toBe(iso('2027-01-04T17:00:00+02:00'));
  });

  it('every non-critical day is 9 support hours, every critical day 24 real hours', () => {
    for (const [severity, rules] of Object.entries(SEVERITY_RULES)) {
      expect(rules.clock).toBe(severity === 'critical' ? 'around_the_clock' : 'support_hours');
    }
  });

  it('refuses an unknown severity and an invalid start', () => {
    expect(() => dueTimes('urgent' as Severity, new Date())).toThrow(/unknown severity/);
    expect(() => dueTimes('high', new Date(Number.NaN))).toThrow(/descriptionCompletedAt/);
  });
});
