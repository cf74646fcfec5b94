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
 * "Now" for anything an account does that runs on a clock outside billing (incidents and their SLA
 * clocks): a test account lives by its test clock, so advancing the clock moves its incidents' due
 * times as it moves its invoices. billing/today.ts answers the same question for billing rows already read.
 */
export async function accountTime(db: Db | Tx, accountId: string, clock: Clock): Promise<AccountTime> {
  const row = await db
    .selectFrom('accounts')
    .leftJoin('test_clocks', 'test_clocks.id', 'accounts.test_clock_id')
    .select(['accounts.test_clock_id', 'test_clocks.frozen_time'])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst();
  if (!row?.test_clock_id || !row.frozen_time) return { now: clock.now(), simulated: false };
  return { now: new Date(row.frozen_time), simulated: true };
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
