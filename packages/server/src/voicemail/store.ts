import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { VoicemailBoxesTable, VoicemailMessagesTable } from '../store/schema.js';

export type VoicemailBoxRow = VoicemailBoxesTable;
export type VoicemailMessageRow = VoicemailMessagesTable;

export async function insertBox(tx: Tx, row: VoicemailBoxRow): Promise<void> {
  await tx.insertInto('voicemail_boxes').values(row).execute();
}

export async function findBox(db: Db | Tx, accountId: string, id: string): Promise<VoicemailBoxRow | undefined> {
  return db.selectFrom('voicemail_boxes').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listBoxes(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<VoicemailBoxRow[]> {
  return accountPage(db, 'voicemail_boxes', accountId, limit, startingAfter);
}

export async function updateBoxRow(tx: Tx, accountId: string, id: string, patch: Partial<VoicemailBoxRow>): Promise<void> {
  await tx.updateTable('voicemail_boxes').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

/** The box's messages' ids (their audio is removed after the rows), then the box and its messages. */
export async function deleteBoxRow(tx: Tx, accountId: string, id: string): Promise<string[]> {
  const messages = await tx.selectFrom('voicemail_messages').select('id').where('account_id', '=', accountId).where('box_id', '=', id).execute();
  await tx.deleteFrom('voicemail_messages').where('account_id', '=', accountId).where('box_id', '=', id).execute();
  await tx.deleteFrom('voicemail_boxes').where('account_id', '=', accountId).where('id', '=', id).execute();
  return messages.map((m) => m.id);
}

export async function insertMessage(tx: Tx, row: VoicemailMessageRow): Promise<void> {
  await tx.insertInto('voicemail_messages').values(row).execute();
}

export async function findMessage(db: Db | Tx, accountId: string, boxId: string, id: string): Promise<VoicemailMessageRow | undefined> {
  return db
    .selectFrom('voicemail_messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('box_id', '=', boxId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** One page of a box's messages, newest first (one row more than asked, for has_more). */
export async function listMessages(db: Db, accountId: string, boxId: string, limit: number, startingAfter?: string): Promise<VoicemailMessageRow[]> {
  return db
    .selectFrom('voicemail_messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('box_id', '=', boxId)
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function setHeard(tx: Tx, accountId: string, boxId: string, id: string, heard: boolean): Promise<void> {
  await tx
    .updateTable('voicemail_messages')
    .set({ heard: heard ? 1 : 0 })
    .where('account_id', '=', accountId)
    .where('box_id', '=', boxId)
    .where('id', '=', id)
    .execute();
}

export async function deleteMessageRow(tx: Tx, accountId: string, boxId: string, id: string): Promise<boolean> {
  const res = await tx.deleteFrom('voicemail_messages').where('account_id', '=', accountId).where('box_id', '=', boxId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/**
 * A box's messages in the order the `*97` menu plays them: new ones first, then saved (heard) ones,
 * oldest first within each; at most `limit`.
 */
export async function messagesToHear(db: Db | Tx, accountId: string, boxId: string, limit: number): Promise<VoicemailMessageRow[]> {
  return db
    .selectFrom('voicemail_messages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('box_id', '=', boxId)
    .orderBy('heard')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** New and heard messages of a box, for the message waiting indicator. */
export async function messageCounts(db: Db | Tx, boxId: string): Promise<{ new: number; old: number }> {
  const rows = await db
    .selectFrom('voicemail_messages')
    .select(['heard', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('box_id', '=', boxId)
    .groupBy('heard')
    .execute();
  const count = (heard: number) => Number(rows.find((r) => Number(r.heard) === heard)?.n ?? 0);
  return { new: count(0), old: count(1) };
}

/** The boxes a SIP user owns (any account: the registrar knows the user, not yet the account). */
export async function boxesOwnedBy(db: Db | Tx, sipUserId: string): Promise<VoicemailBoxRow[]> {
  return db.selectFrom('voicemail_boxes').selectAll().where('sip_user_id', '=', sipUserId).orderBy('id').execute();
}
