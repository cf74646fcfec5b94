import { activationDate, addDays, type LocalDate, minDate } from '@prolope/rules';
import { loadOverrides } from '../overrides-store.js';
import type { BillingDeps } from './deps.js';
import { runDay } from './run-day.js';
import { applyStanding } from './standing-step.js';

/**
 * The first day to bill an account never billed: the earliest activation evidence of its subscriptions
 * (a backdated protocol bills from its date) or its termination, and at the latest `through`. Null
 * when there is nothing to bill.
 */
async function firstDay(deps: BillingDeps, accountId: string, terminatedOn: string | null, through: LocalDate): Promise<LocalDate | null> {
  const subs = await deps.db.selectFrom('subscriptions').select(['protocol_signed_on', 'first_used_on']).where('account_id', '=', accountId).execute();
  if (subs.length === 0 && !terminatedOn) return null;
  let first = through;
  for (const s of subs) {
    const d = activationDate({ protocolSignedOn: s.protocol_signed_on as LocalDate | null, firstUsedOn: s.first_used_on as LocalDate | null });
    if (d) first = minDate(first, d);
  }
  if (terminatedOn) first = minDate(first, terminatedOn as LocalDate);
  return first;
}

/**
 * Runs the billing jobs for each Sofia day after the account's `billed_through` up to `through`
 * inclusive, one transaction per day: activation, setup and recurring invoices, CPI price changes taking
 * effect, overdue marking, penalty invoices, standing changes, and data deletion 30 days after termination.
 * When the account is already billed through `through`, that day runs again (every step is idempotent):
 * a subscription created today is invoiced at once.
 */
export async function runAccountBilling(deps: BillingDeps, accountId: string, through: LocalDate): Promise<void> {
  const account = await deps.db
    .selectFrom('accounts')
    .select(['billed_through', 'terminated_on', 'data_deleted_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account || account.data_deleted_at) return;
  let day: LocalDate | null;
  if (account.billed_through) {
    if (account.billed_through > through) return;
    day = minDate(addDays(account.billed_through, 1), through);
  } else {
    day = await firstDay(deps, accountId, account.terminated_on, through);
  }
  if (!day) return;
  const overrides = await loadOverrides(deps.db);
  for (; day <= through; day = addDays(day, 1)) {
    await runDay(deps, accountId, day, overrides);
  }
}

/** Re-evaluates the account's standing on `today` without advancing days (a payment reinstates at once). */
export async function refreshStanding(deps: BillingDeps, accountId: string, today: LocalDate): Promise<void> {
  const overrides = await loadOverrides(deps.db);
  const changed = await deps.db.transaction().execute(async (tx) => {
    // A write first: on PostgreSQL it locks the row, so a payment and the daily jobs take turns.
    await tx
      .updateTable('accounts')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('id', '=', accountId)
      .execute();
    const account = await tx.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!account) return false;
    return applyStanding(tx, account, today, deps.clock.now(), overrides);
  });
  if (changed) deps.auth.invalidateAccount(accountId);
}
