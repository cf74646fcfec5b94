import { describe, expect, it } from 'vitest';
import { addDays } from '../calendar/index.js';
import { daysOverdue, overdueAmount, type Payment, type PenaltyInput, penaltyAccrued, penaltyForDay } from './penalty.js';

const due = '2026-01-10';
/** Day N overdue: the due date + N calendar days (day 1 is the 11th). */
const day = (n: number) => addDays(due, n);
const paid = (n: number, amount: number): Payment => ({ receivedOn: day(n), amount });

describe('daysOverdue', () => {
  it.each([
    ['2026-01-09', 0],
    ['2026-01-10', 0],
    ['2026-01-11', 1],
    ['2026-01-31', 21],
    ['2026-02-10', 31],
  ])('on %s: %i', (date, days) => {
    expect(daysOverdue(due, date)).toBe(days);
  });
});

describe('penaltyAccrued: 0.2 % a calendar day on the overdue amount, capped at it', () => {
  it.each<[string, number, Payment[], number, number]>([
    // [case, amount, payments, days overdue, expected penalty]
    ['nothing on the due date', 10_000, [], 0, 0],
    ['day 1', 10_000, [], 1, 20],
    ['day 10', 10_000, [], 10, 200],
    ['one rounding on the total: 12.50 x 0.2 % x 14 = 0.35', 1250, [], 14, 35],
    ['2.002 cents rounds down', 1001, [], 1, 2],
    ['2.5 cents rounds up', 1250, [], 1, 3],
    ['0.5 cent rounds up', 250, [], 1, 1],
    ['1.0 cent after two days', 250, [], 2, 1],
    ['499 days: just under the cap', 10_000, [], 499, 9980],
    ['500 days reach the cap', 10_000, [], 500, 10_000],
    ['never more than the amount owed', 10_000, [], 600, 10_000],
    ['paid in full on the due date: on time', 10_000, [paid(0, 10_000)], 10, 0],
    ['paid in part on the due date', 10_000, [paid(0, 3000)], 10, 140],
    ['paid in part before the due date', 10_000, [paid(-5, 3000)], 10, 140],
    ['a partial payment counts from the next day', 10_000, [paid(5, 4000)], 10, 160], // 5 x 100.00 + 5 x 60.00
    ['two payments the same day', 10_000, [paid(3, 2000), paid(3, 3000)], 6, 90], // 3 x 100.00 + 3 x 50.00
    ['two payments on different days', 10_000, [paid(2, 5000), paid(4, 5000)], 10, 60], // 2 x 100 + 2 x 50 + 6 x 0
    // Payments come in the order they were recorded, not their dates: the segments must still follow the dates.
    ['the same two payments listed latest first', 10_000, [paid(4, 5000), paid(2, 5000)], 10, 60],
    ['three payments in no order', 10_000, [paid(6, 2000), paid(1, 3000), paid(3, 1000)], 10, 116], // 1 x 100 + 2 x 70 + 3 x 60 + 4 x 40 = 580 x 0.2
    // A payment the day before the due date reduces the amount from the due date on: 10 days on 70.00, not 11.
    ['paid in part the day before the due date', 10_000, [paid(-1, 3000)], 10, 140],
    // A payment the day before the evaluated day already counts on the evaluated day.
    ['a partial payment the day before the evaluated day', 10_000, [paid(9, 5000)], 10, 190], // 9 x 100 + 1 x 50
    ['an overpayment stops accrual', 10_000, [paid(2, 12_000)], 10, 40],
    ['a payment after the evaluated day is not seen yet', 10_000, [paid(20, 10_000)], 10, 200],
    ['the cap is the overdue amount, not what is left', 10_000, [paid(400, 9000)], 1400, 10_000], // 8000 + 2 a day on 10.00
    ['below the cap after a late partial payment', 10_000, [paid(400, 9000)], 500, 8200],
  ])('%s', (_name, amount, payments, days, expected) => {
    expect(penaltyAccrued({ amount, dueDate: due, payments }, day(days))).toBe(expected);
  });

  // Issue 6 acceptance: "A payment on day 15 stops the penalty, and the penalty equals 0.2% x days x amount."
  it.each([
    [14, 280],
    [15, 300],
    [16, 300],
    [45, 300],
  ])('a full payment on day 15: accrued by day %i = %i (0.2 %% x 15 days x 100.00 = 3.00)', (asOfDay, expected) => {
    const input: PenaltyInput = { amount: 10_000, dueDate: due, payments: [paid(15, 10_000)] };
    expect(penaltyAccrued(input, day(asOfDay))).toBe(expected);
    expect(penaltyAccrued(input, day(45))).toBe(300); // 0.2 % × 15 days × 100.00 = 3.00, in cents
  });

  it.each<[string, PenaltyInput]>([
    ['a fractional amount', { amount: 100.5, dueDate: due }],
    ['a negative payment', { amount: 100, dueDate: due, payments: [paid(1, -5)] }],
    ['a fractional payment', { amount: 100, dueDate: due, payments: [paid(1, 0.5)] }],
  ])('refuses %s', (_name, input) => {
    expect(() => penaltyAccrued(input, day(3))).toThrow(RangeError);
  });
});

describe('overdueAmount', () => {
  it.each<[Payment[], number]>([
    [[], 10_000],
    [[paid(0, 3000)], 7000],
    [[paid(1, 3000)], 10_000],
    [[paid(0, 12_000)], 0],
  ])('with payments %j: %i', (payments, expected) => {
    expect(overdueAmount({ amount: 10_000, dueDate: due, payments })).toBe(expected);
  });
});

describe('penaltyForDay: daily lines that add up to the total', () => {
  it('alternates 3 and 2 cents on 12.50 and sums to 0.35 over 14 days', () => {
    const input: PenaltyInput = { amount: 1250, dueDate: due };
    const daily = Array.from({ length: 14 }, (_, i) => penaltyForDay(input, day(i + 1)));
    expect(daily).toEqual([3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2]);
    expect(daily.reduce((a, b) => a + b, 0)).toBe(penaltyAccrued(input, day(14)));
  });

  it.each([
    [0, 0, 'the due date'],
    [1, 20, 'day 1'],
    [500, 20, 'the day the cap is reached'],
    [501, 0, 'after the cap'],
    [16, 0, 'after a full payment on day 15'],
  ])('day %i: %i (%s)', (n, expected, name) => {
    const payments = name.includes('payment') ? [paid(15, 10_000)] : [];
    expect(penaltyForDay({ amount: 10_000, dueDate: due, payments }, day(n))).toBe(expected);
  });
});
