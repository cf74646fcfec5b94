import { describe, expect, it } from 'vitest';
import { nextChange } from './next-change.js';
import type { BusinessSchedule } from './open-at.js';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const office: BusinessSchedule = {
  timeZone: 'Europe/Sofia',
  hours: [{ days: weekdays, open: '09:00', close: '18:00' }],
  publicHolidays: true,
  closedDates: [],
};
const split: BusinessSchedule = {
  timeZone: 'UTC',
  hours: [
    { days: ['mon'], open: '08:00', close: '12:00' },
    { days: ['mon'], open: '13:30', close: '24:00' },
  ],
  publicHolidays: false,
  closedDates: [],
};

describe('nextChange', () => {
  it.each([
    // from, next change, why
    ['2026-12-23T08:00:00Z', '2026-12-23T16:00:00.000Z', 'open Wednesday 10:00: closes at 18:00 Sofia'],
    ['2026-12-23T06:59:00Z', '2026-12-23T07:00:00.000Z', 'closed at 08:59: opens a minute later'],
    ['2026-12-23T07:00:00Z', '2026-12-23T16:00:00.000Z', 'at opening: open, so the next change is closing'],
    ['2026-12-23T16:00:00Z', '2026-12-29T07:00:00.000Z', 'closed Wednesday evening: Christmas and the weekend pass, opens Tuesday 29th'],
    ['2026-12-23T15:59:59Z', '2026-12-23T16:00:00.000Z', 'a second before closing'],
    ['2026-03-27T16:00:00Z', '2026-03-30T06:00:00.000Z', 'Friday evening before DST: opens Monday 09:00 EEST (06:00 UTC)'],
    ['2026-10-23T16:00:00Z', '2026-10-26T07:00:00.000Z', 'Friday evening before DST ends: opens Monday 09:00 EET (07:00 UTC)'],
  ])('%s -> %s (%s)', (from, expected) => {
    expect(nextChange(office, new Date(from))?.toISOString()).toBe(expected);
  });

  it.each([
    ['2026-12-21T07:00:00Z', '2026-12-21T08:00:00.000Z', 'before the morning hours'],
    ['2026-12-21T11:00:00Z', '2026-12-21T12:00:00.000Z', 'in the morning hours'],
    ['2026-12-21T12:00:00Z', '2026-12-21T13:30:00.000Z', 'lunch'],
    ['2026-12-21T20:00:00Z', '2026-12-22T00:00:00.000Z', 'open to 24:00'],
    ['2026-12-22T00:00:00Z', '2026-12-28T08:00:00.000Z', 'closed until next Monday'],
  ])('split hours in UTC: %s -> %s (%s)', (from, expected) => {
    expect(nextChange(split, new Date(from))?.toISOString()).toBe(expected);
  });

  it('is null with no hours, or closed for longer than the horizon, and honours closed dates and overrides', () => {
    expect(nextChange({ ...office, hours: [] }, new Date('2026-12-23T08:00:00Z'))).toBeNull();
    const fortnight = Array.from({ length: 20 }, (_, i) => `2027-01-${String(i + 1).padStart(2, '0')}`);
    expect(nextChange({ ...office, closedDates: fortnight }, new Date('2026-12-31T16:00:00Z'))).toBeNull();
    expect(nextChange({ ...office, closedDates: ['2026-12-29'] }, new Date('2026-12-23T16:00:00Z'))?.toISOString()).toBe('2026-12-30T07:00:00.000Z');
    expect(nextChange({ ...office, publicHolidays: false }, new Date('2026-12-23T16:00:00Z'))?.toISOString()).toBe('2026-12-24T07:00:00.000Z');
    expect(nextChange(office, new Date('2026-12-23T16:00:00Z'), { daysOff: [], workingDays: ['2026-12-24'] })?.toISOString()).toBe('2026-12-24T07:00:00.000Z');
  });

  it('finds a change right at the horizon and not past it', () => {
    const closed13 = Array.from({ length: 13 }, (_, i) => `2027-01-${String(i + 4).padStart(2, '0')}`);
    const sched: BusinessSchedule = {
      timeZone: 'UTC',
      hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], open: '10:00', close: '11:00' }],
      publicHolidays: false,
      closedDates: closed13,
    };
    // From 2027-01-03 11:00 (closed): every day to the 16th is closed, the 17th opens at 10:00 (13 days 23 h on).
    expect(nextChange(sched, new Date('2027-01-03T11:00:00Z'))?.toISOString()).toBe('2027-01-17T10:00:00.000Z');
    // From 10:30 on the 3rd (open): closes at 11:00.
    expect(nextChange(sched, new Date('2027-01-03T10:30:00Z'))?.toISOString()).toBe('2027-01-03T11:00:00.000Z');
    // One more closed day puts the opening 14 days 23 h away: past the horizon.
    expect(nextChange({ ...sched, closedDates: [...closed13, '2027-01-17'] }, new Date('2027-01-03T11:00:00Z'))).toBeNull();
    // Exactly 14 days on is still inside.
    expect(nextChange({ ...sched, closedDates: closed13.slice(0, 12) }, new Date('2027-01-02T10:00:00Z'))?.toISOString()).toBe('2027-01-02T11:00:00.000Z');
    expect(nextChange({ ...sched, closedDates: [...closed13, '2027-01-03'] }, new Date('2027-01-02T10:00:00Z'))?.toISOString()).toBe(
      '2027-01-02T11:00:00.000Z',
    );
  });

  it('throws on a malformed time instead of guessing', () => {
    expect(() => nextChange({ ...office, hours: [{ days: ['mon'], open: '9', close: '18:00' }] }, new Date())).toThrow(/"9"/);
  });
});
