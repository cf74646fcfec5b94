import { addDays, type LocalDate } from '../calendar/index.js';
import { daysOverdue } from './penalty.js';

/**
 * An account's standing follows from how long its oldest unpaid invoice is overdue (terms 7.2, 13.1).
 *
 * Day numbering: day N of being overdue is the due date + N calendar days, and on it the account is N days
 * overdue. For an invoice due on the 10th: day 1 is the 11th (past_due), "more than 20 days overdue" first
 * holds on day 21 (suspended), "more than 30 days" on day 31 (terminated). The terms say "may" for both
 * steps; issue 6 makes them automatic unless the operator holds the account.
 */
export type Standing = 'active' | 'past_due' | 'suspended' | 'terminated';

/** Terms 7.2: suspension is allowed when payment is overdue by more than this many days. */
export const SUSPEND_AFTER_DAYS = 20;
/** Terms 7.2: termination is allowed when payment is overdue by more than this many days. */
export const TERMINATE_AFTER_DAYS = 30;

export interface StandingHolds {
  /** The operator keeps the account from being suspended automatically. */
  suspension?: boolean;
  /** The operator keeps the account from being terminated automatically. */
  termination?: boolean;
}

export interface StandingInput {
  /** Due date of the oldest invoice with anything left to pay; null when nothing is unpaid. */
  oldestUnpaidDueDate: LocalDate | null;
  holds?: StandingHolds;
  /** Set once the agreement is terminated: termination is final (terms 13.3), paying does not undo it. */
  terminatedOn?: LocalDate | null;
}

/**
 * The standing on `date`. Each hold stops only its own step: with a suspension hold an account 25 days
 * overdue stays past_due but is still terminated on day 31; with a termination hold it stays suspended.
 * Paying everything makes a past_due or suspended account active again (reinstated) on the next evaluation.
 */
export function standingOn(date: LocalDate, input: StandingInput): Standing {
  if (input.terminatedOn && input.terminatedOn <= date) return 'terminated';
  if (!input.oldestUnpaidDueDate) return 'active';
  const days = daysOverdue(input.oldestUnpaidDueDate, date);
  if (days === 0) return 'active';
  if (days > TERMINATE_AFTER_DAYS && !input.holds?.termination) return 'terminated';
  if (days > SUSPEND_AFTER_DAYS && !input.holds?.suspension) return 'suspended';
  return 'past_due';
}

export interface StandingSchedule {
  pastDue: LocalDate;
  suspended: LocalDate;
  terminated: LocalDate;
}

/** The dates an unpaid invoice moves the account to each standing, absent holds and payment (day 1, 21, 31). */
export function standingSchedule(dueDate: LocalDate): StandingSchedule {
  return {
    pastDue: addDays(dueDate, 1),
    suspended: addDays(dueDate, SUSPEND_AFTER_DAYS + 1),
    terminated: addDays(dueDate, TERMINATE_AFTER_DAYS + 1),
  };
}
