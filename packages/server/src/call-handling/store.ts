import type { Db, Tx } from '../store/db.js';
import type { SipUserCallHandlingTable } from '../store/schema.js';

export type CallHandlingRow = SipUserCallHandlingTable;

export async function findCallHandling(db: Db | Tx, accountId: string, sipUserId: string): Promise<CallHandlingRow | undefined> {
  return db.selectFrom('sip_user_call_handling').selectAll().where('account_id', '=', accountId).where('sip_user_id', '=', sipUserId).executeTakeFirst();
}

/** Replaces the user's row (delete and insert, the same on SQLite and PostgreSQL). */
export async function putCallHandling(tx: Tx, row: CallHandlingRow): Promise<void> {
  await tx.deleteFrom('sip_user_call_handling').where('account_id', '=', row.account_id).where('sip_user_id', '=', row.sip_user_id).execute();
  await tx.insertInto('sip_user_call_handling').values(row).execute();
}
