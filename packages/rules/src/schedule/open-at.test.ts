import { describe, expect, it } from 'vitest';
import { type BusinessSchedule, isOpenAt, minuteOfDay } from './open-at.js';
import { isTimeZone, wallClock } from './wall-clock.js';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const office: BusinessSchedule = { timeZone: 'Europe/Sofia', hours: [{ days: weekdays, open: '09:00', close: '18:00' }], publicHolidays: true, closedDates: [] };
const nights: BusinessSchedule = {
  timeZone: 'Europe/Sofia',
  hours: [
    { days: ['fri', 'sat'], open: '22:00', close: '06:00' },
    { days: ['thu'], open: '22:00', close: '06:00' },
  ],
  publicHolidays: true,
  closedDates: [],
};
const newYork: BusinessSchedule = { timeZone: 'America/New_York', hours: [{ days: weekdays, open: '09:00', close: '17:00' }], publicHolidays: false, closedDates: [] };

describe('isOpenAt: office hours in Sofia', () => {
  it.each([
    // instant (with Sofia's offset where it helps), open?, why
    ['2026-12-23T09:00:00+02:00', true, 'Wednesday at opening (inclusive)'],
    ['2026-12-23T08:59:59+02:00', false, 'a second before opening'],
    ['2026-12-23T17:59:59+02:00', true, 'a second before closing'],
    ['2026-12-23T18:00:00+02:00', false, 'at closing (exclusive)'],
    ['2026-12-23T07:00:00Z', true, 'the same 09:00 given in UTC'],
    ['2026-12-24T10:00:00+02:00', false, 'Christmas Eve (a Thursday holiday)'],
    ['2026-12-28T10:00:00+02:00', false, 'Monday in lieu of Saturday 26 December'],
    ['2026-12-29T10:00:00+02:00', true, 'Tuesday after the holidays'],
    ['2026-12-26T10:00:00+02:00', false, 'Saturday: no hours'],
    ['2026-12-27T10:00:00+02:00', false, 'Sunday: no hours'],
    ['2026-03-03T10:00:00+02:00', false, 'Liberation Day on a Tuesday'],
    ['2026-04-10T10:00:00+03:00', false, 'Good Friday (Orthodox Easter 2026)'],
    ['2026-04-13T10:00:00+03:00', false, 'Easter Monday'],
    ['2026-04-14T10:00:00+03:00', true, 'Tuesday after Easter'],
    ['2026-07-01T06:00:00Z', true, 'summer: 09:00 EEST is 06:00 UTC'],
    ['2026-07-01T05:59:00Z', false, 'summer: 08:59 EEST'],
    ['2026-07-01T15:00:00Z', false, 'summer: 18:00 EEST is 15:00 UTC'],
    ['2026-03-27T07:00:00Z', true, 'Friday before DST: 09:00 EET'],
    ['2026-03-27T06:30:00Z', false, 'Friday before DST: 08:30 EET'],
    ['2026-03-30T06:00:00Z', true, 'Monday after DST began: 09:00 EEST'],
    ['2026-03-30T05:30:00Z', false, 'Monday after DST began: 08:30 EEST (would be 07:30 EET)'],
    ['2026-10-26T06:30:00Z', false, 'Monday after DST ended: 08:30 EET'],
    ['2026-10-26T07:00:00Z', true, 'Monday after DST ended: 09:00 EET'],
  ])('%s: %s (%s)', (at, open) => {
    expect(isOpenAt(office, new Date(at))).toBe(open);
  });

  it('opens on holidays when publicHolidays is off, and closes on listed dates', () => {
    expect(isOpenAt({ ...office, publicHolidays: false }, new Date('2026-12-24T10:00:00+02:00'))).toBe(true);
    expect(isOpenAt({ ...office, closedDates: ['2026-12-23'] }, new Date('2026-12-23T10:00:00+02:00'))).toBe(false);
    expect(isOpenAt({ ...office, closedDates: ['2026-12-22'] }, new Date('2026-12-23T10:00:00+02:00'))).toBe(true);
  });

  it("follows the operator's calendar overrides: a decreed day off closes, a declared working day opens", () => {
    expect(isOpenAt(office, new Date('2026-12-23T10:00:00+02:00'), { daysOff: ['2026-12-23'], workingDays: [] })).toBe(false);
    expect(isOpenAt(office, new Date('2026-12-24T10:00:00+02:00'), { daysOff: [], workingDays: ['2026-12-24'] })).toBe(true);
  });

  it('is closed everywhere with no hours', () => {
    expect(isOpenAt({ ...office, hours: [] }, new Date('2026-12-23T10:00:00+02:00'))).toBe(false);
  });
});

describe('isOpenAt: overnight hours', () => {
  it.each([
    ['2026-12-18T21:59:00+02:00', false, 'Friday before the night shift'],
    ['2026-12-18T22:00:00+02:00', true, 'Friday 22:00: the shift starts'],
    ['2026-12-19T05:59:00+02:00', true, "Saturday 05:59: Friday's shift still runs"],
    ['2026-12-19T06:00:00+02:00', false, "Saturday 06:00: Friday's shift ended"],
    ['2026-12-19T12:00:00+02:00', false, 'Saturday noon'],
    ['2026-12-20T03:00:00+02:00', true, "Sunday 03:00: Saturday's shift"],
    ['2026-12-21T03:00:00+02:00', false, 'Monday 03:00: no Sunday shift'],
    ['2026-12-16T23:00:00+02:00', false, 'Wednesday 23:00: no shift'],
    ['2026-12-25T22:30:00+02:00', false, 'Christmas Day (Friday): the shift does not start'],
    ['2026-12-26T02:00:00+02:00', false, 'the night after: the shift that would have started on Christmas Day'],
    ['2026-12-31T23:00:00+02:00', true, "New Year's Eve (Thursday, a working day): the shift starts"],
    ['2027-01-01T02:00:00+02:00', true, "New Year's Day 02:00: a shift that started the day before runs on"],
    ['2027-01-01T22:30:00+02:00', false, "New Year's Day (Friday) 22:30: no shift starts on the holiday"],
    ['2026-03-29T00:59:00Z', true, 'spring forward night: 02:59 EET'],
    ['2026-03-29T01:00:00Z', true, 'spring forward night: 04:00 EEST right after the jump'],
    ['2026-03-29T02:59:00Z', true, 'spring forward night: 05:59 EEST'],
    ['2026-03-29T03:00:00Z', false, 'spring forward night: 06:00 EEST closes (one hour shorter shift)'],
    ['2026-10-25T00:30:00Z', true, 'fall back night: the first 03:30 (EEST)'],
    ['2026-10-25T01:30:00Z', true, 'fall back night: the second 03:30 (EET)'],
    ['2026-10-25T03:59:00Z', true, 'fall back night: 05:59 EET'],
    ['2026-10-25T04:00:00Z', false, 'fall back night: 06:00 EET closes (one hour longer shift)'],
  ])('%s: %s (%s)', (at, open) => {
    expect(isOpenAt(nights, new Date(at))).toBe(open);
  });

  it('runs 24:00 to the end of the day, and equal open and close is a whole day', () => {
    const lateSaturday: BusinessSchedule = { ...office, hours: [{ days: ['sat'], open: '10:00', close: '24:00' }] };
    expect(isOpenAt(lateSaturday, new Date('2026-12-19T23:59:00+02:00'))).toBe(true);
    expect(isOpenAt(lateSaturday, new Date('2026-12-20T00:00:00+02:00'))).toBe(false);
    const allSunday: BusinessSchedule = { ...office, hours: [{ days: ['sun'], open: '00:00', close: '00:00' }] };
    expect(isOpenAt(allSunday, new Date('2026-12-20T00:00:00+02:00'))).toBe(true);
    expect(isOpenAt(allSunday, new Date('2026-12-20T23:59:00+02:00'))).toBe(true);
    expect(isOpenAt(allSunday, new Date('2026-12-21T00:00:00+02:00'))).toBe(false);
    expect(isOpenAt(allSunday, new Date('2026-12-19T23:59:00+02:00'))).toBe(false);
  });
});

describe('isOpenAt: another zone (America/New_York, US DST dates)', () => {
  it.each([
    ['2026-03-06T14:00:00Z', true, 'Friday 09:00 EST'],
    ['2026-03-06T13:59:00Z', false, 'Friday 08:59 EST'],
    ['2026-03-09T13:00:00Z', true, 'Monday after DST (8 March): 09:00 EDT'],
    ['2026-03-09T12:59:00Z', false, 'Monday after DST: 08:59 EDT'],
    ['2026-03-09T21:00:00Z', false, 'Monday 17:00 EDT closes'],
    ['2026-12-24T14:00:00Z', true, 'Bulgarian holidays are off for this schedule'],
  ])('%s: %s (%s)', (at, open) => {
    expect(isOpenAt(newYork, new Date(at))).toBe(open);
  });
});

describe('minuteOfDay', () => {
  it.each([
    ['00:00', 0],
    ['09:30', 570],
    ['23:59', 1439],
    ['24:00', 1440],
    ['24:01', null],
    ['25:00', null],
    ['12:60', null],
    ['9:00', null],
    ['09:00:00', null],
    ['ab:cd', null],
    ['', null],
  ])('%j -> %j', (value, expected) => {
    expect(minuteOfDay(value)).toBe(expected);
  });

  it('makes isOpenAt throw on a malformed time instead of guessing', () => {
    expect(() => isOpenAt({ ...office, hours: [{ days: ['mon'], open: '9', close: '18:00' }] }, new Date())).toThrow(RangeError);
    expect(() => isOpenAt({ ...office, hours: [{ days: ['mon'], open: '09:00', close: '18:60' }] }, new Date())).toThrow(/18:60/);
  });
});

describe('wallClock and isTimeZone', () => {
  it.each([
    ['2026-12-23T22:30:00Z', 'Europe/Sofia', '2026-12-24', 30],
    ['2026-07-01T21:00:00Z', 'Europe/Sofia', '2026-07-02', 0],
    ['2026-07-01T21:00:00Z', 'UTC', '2026-07-01', 1260],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08', 180],
    ['2026-01-01T00:00:00Z', 'Asia/Kolkata', '2026-01-01', 330],
  ])('%s in %s is %s minute %s', (at, zone, date, minute) => {
    expect(wallClock(new Date(at), zone)).toEqual({ date, minute });
  });

  it.each([
    ['Europe/Sofia', true],
    ['UTC', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('isTimeZone(%j) is %s', (zone, known) => {
    expect(isTimeZone(zone)).toBe(known);
  });
});
