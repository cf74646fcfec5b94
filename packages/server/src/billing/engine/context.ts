import type { CalendarOverrides, LocalDate } from '@prolope/rules';
import type { Tx } from '../../store/db.js';
import type { AccountsTable } from '../../store/schema.js';

/** One billing day of one account, inside its transaction. */
export interface DayContext {
  tx: Tx;
  /** The account row as read at the start of the day (steps that change it re-read it). */
  account: AccountsTable;
  /** The Sofia day being billed. */
  day: LocalDate;
  overrides: CalendarOverrides;
  /** Real time of the writes (created_at, events); the billing dates are `day`. */
  at: Date;
}

/** Whether the account's agreement ended before `day` (a terminated account gets no more invoices). */
export function endedBefore(account: Pick<AccountsTable, 'terminated_on'>, day: LocalDate): boolean {
  return account.terminated_on !== null && account.terminated_on < day;
}
