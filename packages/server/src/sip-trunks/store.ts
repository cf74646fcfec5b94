import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { SipTrunksTable } from '../store/schema.js';

export type SipTrunkRow = SipTrunksTable;

export async function insertSipTrunk(tx: Tx, row: SipTrunkRow): Promise<void> {
  await tx.insertInto('sip_trunks').values(row).execute();
}

export async function findSipTrunk(db: Db | Tx, accountId: string, id: string): Promise<SipTrunkRow | undefined> {
  return db.selectFrom('sip_trunks').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The account's trunk holding a digest username (usernames are unique per account). */
export async function findTrunkIdByUsername(db: Db | Tx, accountId: string, username: string): Promise<string | undefined> {
  const row = await db.selectFrom('sip_trunks').select('id').where('account_id', '=', accountId).where('username', '=', username).executeTakeFirst();
  return row?.id;
}

export async function listSipTrunks(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<SipTrunkRow[]> {
  return accountPage(db, 'sip_trunks', accountId, limit, startingAfter);
}

export async function updateSipTrunkRow(tx: Tx, accountId: string, id: string, patch: Partial<SipTrunkRow>): Promise<void> {
  await tx.updateTable('sip_trunks').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

/** The account's trunks that list a caller ID (JSON text, so the match is done by the caller). */
export async function trunksOfAccount(tx: Tx, accountId: string): Promise<SipTrunkRow[]> {
  return tx.selectFrom('sip_trunks').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function allTrunks(db: Db | Tx): Promise<SipTrunkRow[]> {
  return db.selectFrom('sip_trunks').selectAll().execute();
}
