import { describe, expect, it } from 'vitest';
import { addDays } from '../calendar/index.js';
import { dataDeletionDate, exportDeadline, isDataRetained, retentionDay } from './termination.js';
import { type Standing, type StandingHolds, standingOn, standingSchedule } from './standing.js';

// A monthly invoice due on Wednesday 10 March 2027. Day N = due date + N calendar days.
const due = '2027-03-10';
const day = (n: number) => addDays(due, n);

describe('standingOn', () => {
  // Issue 6 acceptance: "past_due on the 11th, suspended on day 21, terminated on day 31".
  it.each<[number, string, Standing]>([
    [-1, '2027-03-09', 'active'],
    [0, '2027-03-10', 'active'],
    [1, '2027-03-11', 'past_due'],
    [20, '2027-03-30', 'past_due'],
    [21, '2027-03-31', 'suspended'],
    [30, '2027-04-09', 'suspended'],
    [31, '2027-04-10', 'terminated'],
    [90, '2027-06-08', 'terminated'],
  ])('day %i (%s): %s', (n, date, expected) => {
    expect(day(n)).toBe(date);
    expect(standingOn(date, { oldestUnpaidDueDate: due })).toBe(expected);
  });

  it.each<[string, StandingHolds, number, Standing]>([
    ['suspension hold keeps day 21 past_due', { suspension: true }, 21, 'past_due'],
    ['suspension hold keeps day 30 past_due', { suspension: true }, 30, 'past_due'],
    ['suspension hold does not stop termination', { suspension: true }, 31, 'terminated'],
    ['termination hold keeps day 31 suspended', { termination: true }, 31, 'suspended'],
    ['termination hold keeps day 200 suspended', { termination: true }, 200, 'suspended'],
    ['termination hold does not stop suspension', { termination: true }, 21, 'suspended'],
    ['both holds keep day 31 past_due', { suspension: true, termination: true }, 31, 'past_due'],
    ['holds do not hide past_due', { suspension: true, termination: true }, 1, 'past_due'],
  ])('%s', (_name, holds, n, expected) => {
    expect(standingOn(day(n), { oldestUnpaidDueDate: due, holds })).toBe(expected);
  });

  it.each<[string, Parameters<typeof standingOn>[1], string, Standing]>([
    ['nothing unpaid', { oldestUnpaidDueDate: null }, day(25), 'active'],
    ['paid after suspension: reinstated', { oldestUnpaidDueDate: null }, day(22), 'active'],
    ['terminated stays terminated after paying', { oldestUnpaidDueDate: null, terminatedOn: day(31) }, day(40), 'terminated'],
    ['terminated from its date on', { oldestUnpaidDueDate: due, terminatedOn: day(31) }, day(31), 'terminated'],
    ['not yet terminated before that date', { oldestUnpaidDueDate: due, terminatedOn: day(31) }, day(25), 'suspended'],
  ])('%s', (_name, input, date, expected) => {
    expect(standingOn(date, input)).toBe(expected);
  });
});

describe('standingSchedule', () => {
  it('names the days 1, 21 and 31 and agrees with standingOn', () => {
    const schedule = standingSchedule(due);
    expect(schedule).toEqual({ pastDue: '2027-03-11', suspended: '2027-03-31', terminated: '2027-04-10' });
    for (const [date, before, after] of [
      [schedule.pastDue, 'active', 'past_due'],
      [schedule.suspended, 'past_due', 'suspended'],
      [schedule.terminated, 'suspended', 'terminated'],
    ] as const) {
      expect(standingOn(addDays(date, -1), { oldestUnpaidDueDate: due })).toBe(before);
      expect(standingOn(date, { oldestUnpaidDueDate: due })).toBe(after);
    }
  });

  // Issue 6 acceptance, the retention half: "data exported on day 29 of retention and gone after day 30".
  it('then keeps the data 30 days: exportable on day 29 and 30, gone on day 31', () => {
    const terminatedOn = standingSchedule(due).terminated;
    expect(retentionDay(terminatedOn, '2027-05-09')).toBe(29);
    expect(isDataRetained(terminatedOn, '2027-05-09')).toBe(true);
    expect(exportDeadline(terminatedOn)).toBe('2027-05-10');
    expect(dataDeletionDate(terminatedOn)).toBe('2027-05-11');
    expect(isDataRetained(terminatedOn, '2027-05-11')).toBe(false);
  });
});
