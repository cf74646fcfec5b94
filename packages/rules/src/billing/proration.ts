import { daysBetween, dateParts, daysInMonth, type LocalDate } from '../calendar/index.js';
import { assertMinor, mulDiv } from './money.js';

/**
 * Partial periods. The terms only say billing starts on the activation date (7.3) and that fees are
 * non-refundable; they say nothing about partial months. Chosen, as Stripe does: daily proration of the
 * first month, by the days of service over the days of that month, rounded half-up once. Monthly periods
 * are calendar months (the fee is due "by the 10th of the current month"); annual periods run from the
 * activation date to its anniversary, so they never need prorating. The last month is not prorated: fees
 * are non-refundable and the customer owes what accrued through the termination date (13.3).
 */
export type BillingInterval = 'month' | 'year';

/** `fee x usedDays / periodDays`, rounded half-up on minor units. */
export function prorate(fee: number, usedDays: number, periodDays: number): number {
  assertMinor(fee, 'fee');
  if (!Number.isInteger(usedDays) || !Number.isInteger(periodDays) || periodDays <= 0 || usedDays < 0 || usedDays > periodDays) {
    throw new RangeError(`cannot prorate ${usedDays} of ${periodDays} days`);
  }
  return mulDiv(fee, usedDays, periodDays);
}

/**
 * The fee for the month of activation: from the activation date to the month's end, both included.
 * Activation on the 1st bills the whole fee; on 16 April (15 of 30 days) half of it.
 */
export function firstMonthFee(monthlyFee: number, activatedOn: LocalDate): number {
  const { year, month, day } = dateParts(activatedOn);
  const days = daysInMonth(year, month);
  return prorate(monthlyFee, days - day + 1, days);
}

/** The fee for a range of days [from, to] inside one calendar month: for plan changes and credits. */
export function feeForDays(monthlyFee: number, from: LocalDate, to: LocalDate): number {
  const start = dateParts(from);
  const end = dateParts(to);
  if (start.year !== end.year || start.month !== end.month || to < from) throw new RangeError(`${from}..${to} is not a range within one month`);
  return prorate(monthlyFee, daysBetween(from, to) + 1, daysInMonth(start.year, start.month));
}

/** One month's fee of a plan, the unit of the termination penalties (13.2): an annual fee / 12, half-up. */
export function oneMonthFee(fee: number, interval: BillingInterval): number {
  assertMinor(fee, 'fee');
  return interval === 'month' ? fee : mulDiv(fee, 1, 12);
}

/** One year's fee of a plan, the penalty for using the services after termination (13.3). */
export function oneYearFee(fee: number, interval: BillingInterval): number {
  assertMinor(fee, 'fee');
  return interval === 'year' ? fee : mulDiv(fee, 12, 1);
}
