import { addDays, addMonths, daysBetween, type LocalDate } from '../calendar/index.js';
import { assertMinor } from './money.js';

/** Terms 13.1: either party may terminate with one month's written notice. */
export const NOTICE_MONTHS = 1;
/** Terms 13.3: data is kept this many days after termination, for export, then deleted. */
export const DATA_RETENTION_DAYS = 30;

/**
 * Why an agreement ends (terms 13.1), as far as money is concerned:
 * - `customer_notice`: the customer leaves; `noticeGivenOn` null when it gave no written notice at all.
 * - `prolope_notice`: Prolope ends it with notice.
 * - `breach`, `non_payment`: Prolope ends it for the customer's breach or non-performance (7.2, 8, 13.1).
 * - `mutual`, `expiry`, `insolvency`, `seizure`: the other grounds of 13.1.
 */
export type TerminationGround =
  | { kind: 'customer_notice'; noticeGivenOn: LocalDate | null }
  | { kind: 'prolope_notice' }
  | { kind: 'breach' }
  | { kind: 'non_payment' }
  | { kind: 'mutual' }
  | { kind: 'expiry' }
  | { kind: 'insolvency' }
  | { kind: 'seizure' };

/**
 * The first date the agreement may end on after notice given on `noticeGivenOn`: the same day a month
 * later, or that month's last day when it has no such day (Obligations and Contracts Act art. 72(2):
 * notice on 31 January runs to 28 February).
 */
export function noticePeriodEnd(noticeGivenOn: LocalDate): LocalDate {
  return addMonths(noticeGivenOn, NOTICE_MONTHS);
}

/**
 * The termination penalty (terms 13.2), in minor units, given one month's fee (`oneMonthFee`):
 * - a customer leaving before a full month's notice has run owes one month's fee; short notice counts as
 *   no notice, since the terms price the missing notice as a whole month, not pro rata;
 * - termination by Prolope for the customer's breach or non-performance (non-payment included) costs
 *   one month's fee;
 * - every other ground costs nothing extra. Fees accrued up to the termination date stay owed (13.3).
 */
export function terminationPenalty(ground: TerminationGround, terminatesOn: LocalDate, monthlyFee: number): number {
  assertMinor(monthlyFee, 'monthlyFee');
  switch (ground.kind) {
    case 'customer_notice':
      return ground.noticeGivenOn && terminatesOn >= noticePeriodEnd(ground.noticeGivenOn) ? 0 : monthlyFee;
    case 'breach':
    case 'non_payment':
      return monthlyFee;
    default:
      return 0;
  }
}

/**
 * The last day of data retention, the last day an export may be requested: day 30 after termination, where
 * day 1 is the day after the termination date (access stops on the termination date itself).
 */
export function exportDeadline(terminatedOn: LocalDate): LocalDate {
  return addDays(terminatedOn, DATA_RETENTION_DAYS);
}

/**
 * The date the account's data is deleted for good: the day after the retention period, day 31. The
 * deletion job runs from the start of this day in Sofia (`sofiaStartOfDay`).
 */
export function dataDeletionDate(terminatedOn: LocalDate): LocalDate {
  return addDays(exportDeadline(terminatedOn), 1);
}

/** Day N of retention on `date` (1 = the day after termination), or 0 before it starts. */
export function retentionDay(terminatedOn: LocalDate, date: LocalDate): number {
  return Math.max(0, daysBetween(terminatedOn, date));
}

/** Whether the data still exists on `date`: from termination through `exportDeadline`. */
export function isDataRetained(terminatedOn: LocalDate, date: LocalDate): boolean {
  return date < dataDeletionDate(terminatedOn);
}
