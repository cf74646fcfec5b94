import { defineHandlers } from '../http/typed-handlers.js';
import { toAccount } from '../accounts/service.js';
import { manageableAccount } from '../billing/access.js';
import { refreshStanding, terminateAccount } from '../billing/engine/index.js';
import { billingToday } from '../billing/today.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import type { AccountsTable } from '../store/schema.js';
import { advanceTestClock, createTestClock, listTestClocks, retrieveTestClock } from './service.js';

export function testClockRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'testClocks.create': async (req) => await createTestClock(deps, authOf(req).accountId, req.body),
    'testClocks.list': async (req) => {
      const q = req.query;
      return pageOf(await listTestClocks(deps, authOf(req).accountId, limitOf(q), q.starting_after), limitOf(q));
    },
    'testClocks.retrieve': async (req) => retrieveTestClock(deps, authOf(req).accountId, req.params.id),
    'testClocks.advance': async (req) => advanceTestClock(deps, authOf(req).accountId, req.params.id, req.body.frozen_time),

    /**
     * Holds stop the automatic steps of terms 7.2 from happening; they do not undo one that happened: a
     * suspended account stays suspended under a suspension hold until it pays. Lifting a hold applies
     * the standing the account has earned at once (35 days overdue without a termination hold: terminated).
     */
    'accounts.setHolds': async (req) => {
      const { id } = req.params;
      const holds = req.body;
      const account = await manageableAccount(deps, authOf(req), id, 'hold suspension or termination');
      await deps.db
        .updateTable('accounts')
        .set({ hold_suspension: holds.suspension ? 1 : 0, hold_termination: holds.termination ? 1 : 0, updated_at: iso(deps.clock.now()) })
        .where('id', '=', account.id)
        .execute();
      await refreshStanding(deps, account.id, await billingToday(deps.db, account, deps.clock));
      deps.auth.invalidateAccount(account.id);
      const row = (await deps.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirst()) as AccountsTable;
      return toAccount(row);
    },
    'accounts.terminate': async (req) => {
      const { id } = req.params;
      const { ground } = req.body;
      const account = await manageableAccount(deps, authOf(req), id, 'terminate an agreement');
      if (account.is_operator === 1) throw new ProblemError('forbidden', "The operator's own account cannot be terminated.");
      return terminateAccount(deps, account, ground);
    },
  });
}
