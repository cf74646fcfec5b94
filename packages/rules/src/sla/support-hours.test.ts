import { describe, expect, it } from 'vitest';
import type { CalendarOverrides } from '../calendar/index.js';
import { addSupportHours, addSupportMillis, supportClockStart, supportHoursBetween, supportMillisBetween, supportMinutesBetween } from './support-hours.js';

const iso = (text: string) => new Date(text).toISOString();

describe('addSupportHours', () => {
  it.each([
    // start (Sofia wall time with its offset), support hours, due, why
    ['2026-01-13T10:00:00+02:00', 1, '2026-01-13T11:00:00+02:00', 'inside support hours'],
    ['2026-01-13T09:00:00+02:00', 9, '2026-01-13T18:00:00+02:00', 'a whole support day from the opening'],
    ['2026-01-13T10:00:00+02:00', 8, '2026-01-13T18:00:00+02:00', 'lands exactly on 18:00: stays 18:00'],
    ['2026-01-13T10:00:00+02:00', 8.5, '2026-01-14T09:30:00+02:00', 'half an hour past closing goes on next morning'],
    ['2026-01-14T10:00:00+02:00', 27, '2026-01-19T10:00:00+02:00', 'Wednesday 10:00 + 3 support days = Monday 10:00'],
    ['2026-01-16T16:00:00+02:00', 4, '2026-01-19T11:00:00+02:00', 'Friday afternoon over the weekend'],
    ['2026-01-10T11:00:00+02:00', 8, '2026-01-12T17:00:00+02:00', 'starts on a Saturday: counts from Monday 09:00'],
    ['2026-01-13T07:00:00+02:00', 8, '2026-01-13T17:00:00+02:00', 'starts at 07:00: counts from 09:00'],
    ['2026-01-13T19:00:00+02:00', 8, '2026-01-14T17:00:00+02:00', 'starts at 19:00: counts from 09:00 next day'],
    ['2026-01-13T18:00:00+02:00', 1, '2026-01-14T10:00:00+02:00', 'starts exactly at closing'],
    ['2026-03-03T10:00:00+02:00', 8, '2026-03-04T17:00:00+02:00', 'starts on Liberation Day (Tuesday)'],
    ['2026-01-13T10:00:00+02:00', 0, '2026-01-13T10:00:00+02:00', 'zero is the start itself'],
    ['2026-01-10T11:00:00+02:00', 0, '2026-01-10T11:00:00+02:00', 'zero is the start itself, even off hours'],
    ['2026-01-13T10:00:30.250+02:00', 1, '2026-01-13T11:00:30.250+02:00', 'keeps seconds and milliseconds'],
  ])('%s + %s support h = %s (%s)', (start, hours, due) => {
    expect(addSupportHours(new Date(start), hours).toISOString()).toBe(iso(due));
  });

  it.each([
    ['2026-04-09T17:00:00+03:00', 8, '2026-04-14T16:00:00+03:00', 'Easter 2026: Good Friday 10 Apr to Easter Monday 13 Apr'],
    ['2027-04-29T14:00:00+03:00', 8, '2027-05-05T13:00:00+03:00', 'Easter 2027: Good Friday 30 Apr, 1 May on Holy Saturday moved to Tue 4 May'],
    ['2027-05-05T14:00:00+03:00', 8, '2027-05-07T13:00:00+03:00', "St George's Day, Thursday 6 May 2027"],
    ['2026-09-04T16:00:00+03:00', 8, '2026-09-08T15:00:00+03:00', 'Sunday 6 Sep 2026 gives Monday 7 Sep off'],
    ['2026-12-23T17:00:00+02:00', 8, '2026-12-29T16:00:00+02:00', '24-26 Dec 2026 and Monday 28 Dec in lieu of Saturday 26'],
    ['2027-12-23T12:00:00+02:00', 8, '2027-12-29T11:00:00+02:00', '25-26 Dec 2027 on a weekend give Mon 27 and Tue 28 Dec'],
    ['2026-12-31T17:00:00+02:00', 2, '2027-01-04T10:00:00+02:00', 'over New Year'],
  ])('holidays: %s + %s support h = %s (%s)', (start, hours, due) => {
    expect(addSupportHours(new Date(start), hours).toISOString()).toBe(iso(due));
  });

  it.each([
    // Sofia moves to EEST at 03:00 on Sunday 29 March 2026 and back to EET at 04:00 on Sunday 25 October 2026.
    ['2026-03-27T15:00:00+02:00', 8, '2026-03-30T14:00:00+03:00', 'spring: the wall time is right, 70 real hours later'],
    ['2026-10-23T14:00:00+03:00', 8, '2026-10-26T13:00:00+02:00', 'autumn: the wall time is right, 72 real hours later'],
    ['2026-03-29T02:30:00+02:00', 1, '2026-03-30T10:00:00+03:00', 'starts in the night of the change'],
    ['2026-10-25T03:30:00+02:00', 1, '2026-10-26T10:00:00+02:00', 'starts in the repeated hour'],
  ])('DST: %s + %s support h = %s (%s)', (start, hours, due) => {
    expect(addSupportHours(new Date(start), hours).toISOString()).toBe(iso(due));
  });

  it('applies the operator overrides: a decreed day off and a working Saturday', () => {
    const decree: CalendarOverrides = { daysOff: ['2026-12-31'], workingDays: ['2026-12-19'] };
    expect(addSupportHours(new Date('2026-12-30T17:00:00+02:00'), 2, decree).toISOString()).toBe(iso('2027-01-04T10:00:00+02:00'));
    expect(addSupportHours(new Date('2026-12-18T17:00:00+02:00'), 2, decree).toISOString()).toBe(iso('2026-12-19T10:00:00+02:00'));
  });

  it.each([[-1], [-0.5], [1.5e-7], [Number.NaN]])('addSupportMillis refuses %s ms: whole milliseconds >= 0 only', (ms) => {
    expect(() => addSupportMillis(new Date('2026-01-13T10:00:00+02:00'), ms)).toThrow(/whole milliseconds/);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %s hours as hours', (hours) => {
    expect(() => addSupportHours(new Date('2026-01-13T10:00:00+02:00'), hours)).toThrow(/hours must be a finite number/);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %s hours', (hours) => {
    expect(() => addSupportHours(new Date('2026-01-13T10:00:00+02:00'), hours)).toThrow(RangeError);
  });

  it('refuses an invalid start', () => {
    expect(() => addSupportHours(new Date('nope'), 1)).toThrow(/start must be a valid Date/);
  });
});

describe('supportMillisBetween', () => {
  it.each([
    ['2026-01-14T10:00:00+02:00', '2026-01-19T10:00:00+02:00', 27 * 60, 'Wednesday 10:00 to Monday 10:00'],
    ['2026-01-10T00:00:00+02:00', '2026-01-11T23:59:00+02:00', 0, 'a weekend'],
    ['2026-01-13T17:30:00+02:00', '2026-01-14T09:15:00+02:00', 45, 'over a night'],
    ['2026-01-13T12:00:00+02:00', '2026-01-13T12:00:00+02:00', 0, 'no time'],
    ['2026-01-13T12:00:00+02:00', '2026-01-13T10:00:00+02:00', -120, 'backwards is negative'],
    ['2026-03-27T09:00:00+02:00', '2026-03-30T18:00:00+03:00', 18 * 60, 'over the spring change'],
    ['2026-10-23T09:00:00+03:00', '2026-10-26T18:00:00+02:00', 18 * 60, 'over the autumn change'],
    ['2026-12-23T09:00:00+02:00', '2026-12-29T18:00:00+02:00', 18 * 60, 'over Christmas 2026'],
  ])('%s to %s is %i support minutes (%s)', (a, b, minutes) => {
    expect(supportMinutesBetween(new Date(a), new Date(b))).toBe(minutes);
    expect(supportHoursBetween(new Date(a), new Date(b))).toBe(minutes / 60);
  });

  it.each([
    ['2026-01-14T10:00:00+02:00', 1],
    ['2026-01-10T11:00:00+02:00', 27 * 3_600_000],
    ['2026-12-23T17:00:00+02:00', 126 * 3_600_000],
    ['2026-10-22T13:17:00+03:00', 63 * 3_600_000 + 59_999],
    ['2027-04-28T18:00:00+03:00', 360 * 3_600_000],
  ])('is the inverse of addSupportMillis from %s (+%i ms)', (start, ms) => {
    const s = new Date(start);
    expect(supportMillisBetween(s, addSupportMillis(s, ms))).toBe(ms);
  });
});

describe('supportClockStart', () => {
  it.each([
    ['2026-01-13T10:00:00+02:00', '2026-01-13T10:00:00+02:00', 'inside support hours: itself'],
    ['2026-01-13T09:00:00+02:00', '2026-01-13T09:00:00+02:00', 'at the opening: itself'],
    ['2026-01-13T18:00:00+02:00', '2026-01-14T09:00:00+02:00', 'at the closing: next opening'],
    ['2026-01-10T11:00:00+02:00', '2026-01-12T09:00:00+02:00', 'Saturday: Monday opening'],
    ['2026-04-10T11:00:00+03:00', '2026-04-14T09:00:00+03:00', 'Good Friday 2026: Tuesday opening'],
  ])('%s starts counting at %s (%s)', (instant, expected) => {
    expect(supportClockStart(new Date(instant)).toISOString()).toBe(iso(expected));
  });
});
