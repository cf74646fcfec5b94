import { dateParts, daysInMonth, type LocalDate, localDate, minDate, type CalendarOverrides, addWorkingDays } from '../calendar/index.js';

/** Terms 7.1: one-time installation or setup fees are due within 5 business days of the invoice date. */
export const SETUP_DUE_WORKING_DAYS = 5;

/** Terms 7.1: monthly fees are due by the 10th of the current month, "unless otherwise agreed". */
export const MONTHLY_DUE_DAY = 10;

/**
 * Due date of a setup (or other one-time) invoice: the 5th Bulgarian working day after the invoice date.
 * The invoice date itself is not counted, as in any period counted in days (Obligations and Contracts Act
 * art. 72(1)): an invoice of Monday 5 Jan 2026 is due on Monday 12 Jan.
 */
export function setupInvoiceDueDate(invoiceDate: LocalDate, overrides?: CalendarOverrides): LocalDate {
  return addWorkingDays(invoiceDate, SETUP_DUE_WORKING_DAYS, overrides);
}

export interface MonthlyDueInput {
  /** First day the fee pays for; its month is "the current month" of terms 7.1. */
  periodStart: LocalDate;
  /** The day the invoice is issued. */
  invoiceDate: LocalDate;
  /** A different day agreed with the customer (1-28 is safe in every month); defaults to the 10th. */
  dueDay?: number;
}

/**
 * Due date of a monthly fee: the 10th of the period's month, kept as written even when the 10th is a
 * weekend or a holiday. The terms are silent on that case and a bank transfer can be sent any day;
 * moving it would also shift penalties and standing off the dates the terms name.
 *
 * When the invoice is issued on or after that day (the first, prorated month of a customer activated
 * after the 10th, or a late invoice), the terms' date cannot be met, so the invoice gets the only other
 * term the agreement knows: 5 working days from the invoice date, like a setup invoice.
 */
export function monthlyFeeDueDate(input: MonthlyDueInput, overrides?: CalendarOverrides): LocalDate {
  const { year, month } = dateParts(input.periodStart);
  const dueDay = input.dueDay ?? MONTHLY_DUE_DAY;
  if (!Number.isInteger(dueDay) || dueDay < 1 || dueDay > 31) throw new RangeError(`due day must be 1-31: ${dueDay}`);
  const due = localDate(year, month, Math.min(dueDay, daysInMonth(year, month)));
  return input.invoiceDate < due ? due : setupInvoiceDueDate(input.invoiceDate, overrides);
}

export interface ActivationEvidence {
  /** Date the activation protocol was signed. */
  protocolSignedOn?: LocalDate | null;
  /** Sofia date of the first use of the service (first call, first API write that costs money). */
  firstUsedOn?: LocalDate | null;
}

/**
 * The activation date billing starts from (terms 4.1 and 7.3): the signed activation protocol or the first
 * use of the service, whichever comes first; null while neither has happened.
 */
export function activationDate(evidence: ActivationEvidence): LocalDate | null {
  const { protocolSignedOn, firstUsedOn } = evidence;
  if (protocolSignedOn && firstUsedOn) return minDate(protocolSignedOn, firstUsedOn);
  return protocolSignedOn ?? firstUsedOn ?? null;
}
