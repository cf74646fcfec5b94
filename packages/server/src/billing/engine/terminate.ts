import { toAccount } from '../../accounts/service.js';
import type { Account } from '../../accounts/service.js';
import type { LocalDate } from '@prolope/rules';
import type { AccountsTable } from '../../store/schema.js';
import { loadOverrides } from '../overrides-store.js';
import { billingToday } from '../today.js';
import type { BillingDeps } from './deps.js';
import { runAccountBilling } from './run.js';
import { type ApiTerminationGround, terminateInTx, terminationGroundOf } from './termination.js';

/**
 * `POST /v1/accounts/{id}/terminate`: bills the account up to today first (so today's invoices exist),
 * then ends the agreement today with the termination effects of `terminateInTx`. Terminating a
 * terminated account changes nothing and answers it as it is.
 */
export async function terminateAccount(deps: BillingDeps, accountRow: AccountsTable, ground: ApiTerminationGround): Promise<Account> {
  const today: LocalDate = await billingToday(deps.db, accountRow, deps.clock);
  await runAccountBilling(deps, accountRow.id, today);
  const overrides = await loadOverrides(deps.db);
  const row = await deps.db.transaction().execute(async (tx) => {
    // The write locks the row (PostgreSQL); an account never billed counts as billed through today.
    await tx
      .updateTable('accounts')
      .set((eb) => ({ billed_through: eb.fn.coalesce('billed_through', eb.val(today)) }))
      .where('id', '=', accountRow.id)
      .execute();
    const account = (await tx.selectFrom('accounts').selectAll().where('id', '=', accountRow.id).executeTakeFirst()) as AccountsTable;
    if (account.status === 'terminated') return account;
    return terminateInTx(tx, account, today, terminationGroundOf(ground), deps.clock.now(), overrides);
  });
  deps.auth.invalidateAccount(accountRow.id);
  return toAccount(row);
}
