import { addDays, daysBetween, type LocalDate } from '../calendar/index.js';
import { assertMinor, divideHalfUp } from './money.js';

/**
 * Late payment (terms 7.2): "a penalty of 0.2% per day on the overdue amount, up to a maximum of the
 * total amount owed".
 *
 * Definitions the terms leave open, chosen here:
 * - Days are calendar days. Day 1 is the day after the due date; the due date itself is on time.
 * - The overdue amount is the invoice's unpaid principal. A payment reduces it from the day after it is
 *   received, so the day a payment arrives still accrues on the amount before it; a payment of everything
 *   stops accrual from the next day. A payment on day 15 leaves exactly 15 days of penalty.
 * - Penalties do not compound: they are billed as their own lines and accrue nothing themselves.
 * - The cap is the amount that fell overdue (the invoice total unpaid on the due date), not what is left
 *   after partial payments: "the total amount owed" is the debt the penalty is for.
 * - Exact arithmetic, one rounding: total = round_half_up(sum over days of outstanding x 2 / 1000), then
 *   the cap. Rounding each day instead would drift from "0.2 % x days x amount" (12.50 a day rounds to 3
 *   cents, 14 days to 42 instead of 35). Daily accruals are differences of the rounded running total, so
 *   they always add up to it.
 */
export const PENALTY_PER_DAY = { numerator: 2n, denominator: 1000n } as const;

export interface Payment {
  receivedOn: LocalDate;
  /** Minor units, positive. */
  amount: number;
}

export interface PenaltyInput {
  /** What the invoice asks for (total with VAT), minor units. */
  amount: number;
  dueDate: LocalDate;
  /** Every payment against this invoice; those received by the due date were on time. */
  payments?: readonly Payment[];
}

/** Calendar days overdue on `date`: 0 up to the due date, 1 the day after it. */
export function daysOverdue(dueDate: LocalDate, date: LocalDate): number {
  return Math.max(0, daysBetween(dueDate, date));
}

/** The unpaid principal on which `date` accrues: payments count from the day after they arrive. */
export function outstandingOn(input: PenaltyInput, date: LocalDate): number {
  let outstanding = input.amount;
  for (const p of input.payments ?? []) if (p.receivedOn < date) outstanding -= p.amount;
  return Math.max(0, outstanding);
}

/** The amount that fell overdue: unpaid after the due date, and the cap on the penalty. */
export function overdueAmount(input: PenaltyInput): number {
  return outstandingOn(input, addDays(input.dueDate, 1));
}

/** The penalty accrued from day 1 through `asOf` inclusive, rounded half-up once and capped. */
export function penaltyAccrued(input: PenaltyInput, asOf: LocalDate): number {
  assertMinor(input.amount, 'amount');
  for (const p of input.payments ?? []) {
    assertMinor(p.amount, 'payment amount');
    if (p.amount <= 0) throw new RangeError(`payment amount must be positive: ${p.amount}`);
  }
  const cap = overdueAmount(input);
  if (daysOverdue(input.dueDate, asOf) === 0 || cap === 0) return 0;
  // Outstanding only changes the day after a payment, so sum it in segments rather than day by day.
  const changes = [...new Set((input.payments ?? []).map((p) => addDays(p.receivedOn, 1)))].filter((d) => d > input.dueDate && d <= asOf).sort();
  let sum = 0n;
  let segmentStart = addDays(input.dueDate, 1);
  for (const next of [...changes, addDays(asOf, 1)]) {
    const length = daysBetween(segmentStart, next);
    if (length > 0) sum += BigInt(outstandingOn(input, segmentStart)) * BigInt(length);
    segmentStart = next;
  }
  const total = divideHalfUp(sum * PENALTY_PER_DAY.numerator, PENALTY_PER_DAY.denominator);
  return Math.min(total, cap);
}

/** The penalty that accrues on `date` alone: the day's step of the rounded running total (0 once capped). */
export function penaltyForDay(input: PenaltyInput, date: LocalDate): number {
  return penaltyAccrued(input, date) - penaltyAccrued(input, addDays(date, -1));
}
