import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { SipUsersTable } from '../store/schema.js';

export type SipUserRow = SipUsersTable;

export async function insertSipUser(tx: Tx, row: SipUserRow): Promise<void> {
  await tx.insertInto('sip_users').values(row).execute();
}

export async function findSipUser(db: Db | Tx, accountId: string, id: string): Promise<SipUserRow | undefined> {
  return db.selectFrom('sip_users').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The user of the account holding a username or an extension, if any (both are unique per account). */
export async function findSipUserIdBy(db: Db | Tx, accountId: string, column: 'username' | 'extension', value: string): Promise<string | undefined> {
  const row = await db.selectFrom('sip_users').select('id').where('account_id', '=', accountId).where(column, '=', value).executeTakeFirst();
  return row?.id;
}

export async function listSipUsers(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<SipUserRow[]> {
  return accountPage(db, 'sip_users', accountId, limit, startingAfter);
}

export async function updateSipUserRow(tx: Tx, accountId: string, id: string, patch: Partial<SipUserRow>): Promise<void> {
  await tx.updateTable('sip_users').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function deleteSipUserRow(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('sip_registrations').where('account_id', '=', accountId).where('sip_user_id', '=', id).execute();
  await tx.deleteFrom('sip_users').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/** Drops every registration of a user (a disabled user's phones are no longer reachable). */
export async function deleteRegistrationsOf(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('sip_registrations').where('account_id', '=', accountId).where('sip_user_id', '=', id).execute();
}
