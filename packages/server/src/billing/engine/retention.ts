import { dataDeletionDate, type LocalDate } from '@prolope/rules';
import { iso } from '../../clock.js';
import { recordEvent } from '../../events/outbox.js';
import { deleteAccountRows } from '../../exports/delete-account-data.js';
import type { Tx } from '../../store/db.js';
import type { AccountsTable } from '../../store/schema.js';

/** Whether the 30 days of retention after termination are over on `day` (terms 13.3) and the data is still there. */
export function deletionDue(account: Pick<AccountsTable, 'terminated_on' | 'data_deleted_at'>, day: LocalDate): boolean {
  return account.terminated_on !== null && account.data_deleted_at === null && day >= dataDeletionDate(account.terminated_on as LocalDate);
}

/**
 * Step 6, the rows' half (the files went first, outside the transaction: a crash in between only repeats
 * it): deletes the account's rows but what accounting law keeps, marks `data_deleted_at`, and tells the
 * parent account (the operator for a top-level account) with `account.data_deleted`, the account's own
 * endpoints being gone.
 */
export async function deleteAccountData(tx: Tx, account: AccountsTable, at: Date): Promise<void> {
  // Real time, not the test clock's: released numbers go back to the operator's real inventory.
  await deleteAccountRows(tx, account.id, at);
  const deletedAt = iso(at);
  await tx.updateTable('accounts').set({ data_deleted_at: deletedAt }).where('id', '=', account.id).execute();
  const receiver = account.parent_account_id ?? (await tx.selectFrom('accounts').select('id').where('is_operator', '=', 1).executeTakeFirst())?.id;
  if (!receiver) return;
  await recordEvent(tx, {
    accountId: receiver,
    type: 'account.data_deleted',
    object: { id: account.id, object: 'account', data_deleted_at: deletedAt },
    at,
  });
}
