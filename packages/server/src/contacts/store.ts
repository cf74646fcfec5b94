import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { ContactsTable } from '../store/schema.js';

export type ContactRow = ContactsTable;

export async function insertContact(db: Db | Tx, row: ContactRow): Promise<void> {
  await db.insertInto('contacts').values(row).execute();
}

export async function findContact(db: Db | Tx, accountId: string, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listContacts(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<ContactRow[]> {
  return accountPage(db, 'contacts', accountId, limit, startingAfter);
}

export async function updateContactRow(db: Db | Tx, accountId: string, id: string, patch: Partial<ContactRow>): Promise<void> {
  await db.updateTable('contacts').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function deleteContactRow(db: Db | Tx, accountId: string, id: string): Promise<number> {
  const res = await db.deleteFrom('contacts').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows);
}
