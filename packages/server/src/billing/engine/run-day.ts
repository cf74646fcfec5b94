import type { CalendarOverrides, LocalDate } from '@prolope/rules';
import { deleteAccountFiles } from '../../exports/delete-account-data.js';
import type { Tx } from '../../store/db.js';
import type { AccountsTable } from '../../store/schema.js';
import type { DayContext } from './context.js';
import type { BillingDeps } from './deps.js';
import { billPenalties, markOverdue } from './overdue-step.js';
import { deleteAccountData, deletionDue } from './retention.js';
import { applyStanding } from './standing-step.js';
import { applyPriceChanges, runSubscriptions } from './subscriptions-step.js';

async function readAccount(db: BillingDeps['db'] | Tx, id: string): Promise<AccountsTable | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Runs the billing jobs of one Sofia day for one account in one transaction, and sets `billed_through`.
 * The first statement claims the day (an UPDATE, which on PostgreSQL also locks the account row, so two
 * processes billing the same account take turns); every step is idempotent, so running a day again is
 * harmless. Returns false when the day was already past (nothing done).
 */
export async function runDay(deps: BillingDeps, accountId: string, day: LocalDate, overrides: CalendarOverrides): Promise<boolean> {
  const before = await readAccount(deps.db, accountId);
  if (!before || before.data_deleted_at) return false;
  // Files first, outside the transaction (they are not transactional); the rows follow in it.
  if (deletionDue(before, day)) await deleteAccountFiles(deps, accountId);
  const at = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const claim = await tx
      .updateTable('accounts')
      .set({ billed_through: day })
      .where('id', '=', accountId)
      .where((eb) => eb.or([eb('billed_through', 'is', null), eb('billed_through', '<=', day)]))
      .where('data_deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) return { ran: false, changed: false };
    const account = (await readAccount(tx, accountId)) as AccountsTable;
    const ctx: DayContext = { tx, account, day, overrides, at };
    await applyPriceChanges(ctx);
    await runSubscriptions(ctx);
    await markOverdue(ctx);
    await billPenalties(ctx);
    const changed = await applyStanding(tx, account, day, at, overrides);
    const after = (await readAccount(tx, accountId)) as AccountsTable;
    // The deleted API keys must stop working at once, not when the key cache next expires.
    if (deletionDue(after, day)) {
      await deleteAccountData(tx, after, at);
      return { ran: true, changed: true };
    }
    return { ran: true, changed };
  });
  if (outcome.changed) deps.auth.invalidateAccount(accountId);
  return outcome.ran;
}
