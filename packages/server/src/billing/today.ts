import { type LocalDate, sofiaDateOf } from '@prolope/rules';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../store/db.js';
import type { AccountsTable } from '../store/schema.js';
import { testClockNow } from '../test-clocks/account-time.js';

/**
 * "Now" for an account's billing: its test clock's frozen time for a test account, else the server's
 * clock. Everything in billing that asks what day it is goes through here, so a test clock moves an
 * account's invoices, penalties and standing and nothing else.
 */
export async function billingNow(db: Db | Tx, account: Pick<AccountsTable, 'test_clock_id'>, clock: Clock): Promise<Date> {
  return testClockNow(db, account.test_clock_id, clock);
}

/** The Sofia calendar date of billingNow: the day terms 7 count in. */
export async function billingToday(db: Db | Tx, account: Pick<AccountsTable, 'test_clock_id'>, clock: Clock): Promise<LocalDate> {
  return sofiaDateOf(await billingNow(db, account, clock));
}
