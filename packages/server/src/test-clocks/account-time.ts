import type { Clock } from '../clock.js';
import type { Db, Tx } from '../store/db.js';

/** The time an account lives by. */
export interface AccountTime {
  /** Its test clock's frozen time for a test account, else the server clock's now. */
  now: Date;
  /** True for a test account: what it does is a simulation, kept out of the platform's outages and status page. */
  simulated: boolean;
}

/**
 * "Now" on a test clock: its frozen time, or the server clock's when there is no clock (a real account)
 * or it is gone. The one place that reads a test clock's time; billing (billing/today.ts) and incidents
 * (accountTime) both ask here.
 */
export async function testClockNow(db: Db | Tx, testClockId: string | null, clock: Clock): Promise<Date> {
  if (!testClockId) return clock.now();
  const row = await db.selectFrom('test_clocks').select('frozen_time').where('id', '=', testClockId).executeTakeFirst();
  return row ? new Date(row.frozen_time) : clock.now();
}

/**
 * "Now" for an account's incidents and their SLA clocks: a test account lives by its test clock, so
 * advancing the clock moves its incidents' due times as it moves its invoices.
 */
export async function accountTime(db: Db | Tx, accountId: string, clock: Clock): Promise<AccountTime> {
  const account = await db.selectFrom('accounts').select('test_clock_id').where('id', '=', accountId).executeTakeFirst();
  const testClockId = account?.test_clock_id ?? null;
  return { now: await testClockNow(db, testClockId, clock), simulated: testClockId !== null };
}

/** accountTime memoized for one request that looks at many accounts' rows (the operator's list). */
export function accountTimes(db: Db, clock: Clock): (accountId: string) => Promise<AccountTime> {
  const seen = new Map<string, Promise<AccountTime>>();
  return (accountId) => {
    let t = seen.get(accountId);
    if (!t) {
      t = accountTime(db, accountId, clock);
      seen.set(accountId, t);
    }
    return t;
  };
}

/** The ids of test accounts, as a subquery: their incidents are simulations the platform-wide views leave out. */
export function testAccountIds(db: Db) {
  return db.selectFrom('accounts').select('id').where('test_clock_id', 'is not', null);
}
