import type { Db, Tx } from '../store/db.js';
import type { AccountsTable } from '../store/schema.js';

export type AccountRow = AccountsTable;

export async function insertAccount(tx: Tx, row: AccountRow): Promise<void> {
  await tx.insertInto('accounts').values(row).execute();
}

export async function findAccount(db: Db | Tx, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOperatorAccount(db: Db | Tx): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('is_operator', '=', 1).executeTakeFirst();
}

/** Every account (operator view) or one parent's subaccounts, newest first. */
export async function listAccounts(db: Db, scope: { parentId: string } | 'all', limit: number, startingAfter?: string): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .$if(scope !== 'all', (q) => q.where('parent_account_id', '=', (scope as { parentId: string }).parentId))
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function updateAccountRow(
  tx: Tx,
  id: string,
  patch: Partial<Pick<AccountRow, 'name' | 'legal_entity' | 'metadata' | 'updated_at'>>,
): Promise<void> {
  await tx.updateTable('accounts').set(patch).where('id', '=', id).execute();
}
