import { sofiaDateOf, type LocalDate } from '@prolope/sdk';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../store/db.js';
import type { AccountsTable } from '../store/schema.js';

/**
 * "Now" for an account's billing: its test clock's frozen time for a test account, else the server's
 * clock. Everything in billing that asks what day it is goes through here, so a test clock moves an
 * account's invoices, penalties and standing and nothing else.
 */
export async function billingNow(db: Db | Tx, account: Pick<AccountsTable, 'test_clock_id'>, clock: Clock): Promise<Date> {
  if (!account.test_clock_id) return clock.now();
  const row = await db.selectFrom('test_clocks').select('frozen_time').where('id', '=', account.test_clock_id).executeTakeFirst();
  return row ? new Date(row.frozen_time) : clock.now();
}

/** The Sofia calendar date of billingNow: the day terms 7 count in. */
export async function billingToday(db: Db | Tx, account: Pick<AccountsTable, 'test_clock_id'>, clock: Clock): Promise<LocalDate> {
  return sofiaDateOf(await billingNow(db, account, clock));
}
