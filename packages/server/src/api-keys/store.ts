import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { ApiKeysTable } from '../store/schema.js';

export type ApiKeyRow = ApiKeysTable;

export async function insertApiKey(tx: Tx, row: ApiKeyRow): Promise<void> {
  await tx.insertInto('api_keys').values(row).execute();
}

export async function findApiKey(db: Db | Tx, accountId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<ApiKeyRow[]> {
  return accountPage(db, 'api_keys', accountId, limit, startingAfter);
}

export async function markRevoked(tx: Tx, id: string, at: string): Promise<void> {
  await tx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/**
 * The account's contact, or undefined (a personal key must name one of its own). Read here rather than
 * through the contacts domain, which imports this one to revoke a deleted contact's keys.
 */
export async function findContactOf(db: Db | Tx, accountId: string, contactId: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('contacts').select('id').where('account_id', '=', accountId).where('id', '=', contactId).executeTakeFirst();
}

/** A contact's personal keys not yet revoked. */
export async function liveKeysOfContact(db: Db | Tx, accountId: string, contactId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .where('revoked_at', 'is', null)
    .orderBy('id')
    .execute();
}
