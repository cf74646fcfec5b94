import type { Db, Tx } from '../store/db.js';
import type { RecordingsTable } from '../store/schema.js';

export type RecordingRow = RecordingsTable;

export async function insertRecording(tx: Tx, row: RecordingRow): Promise<void> {
  await tx.insertInto('recordings').values(row).execute();
}

export async function findRecording(db: Db | Tx, accountId: string, id: string): Promise<RecordingRow | undefined> {
  return db.selectFrom('recordings').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function deleteRecordingRow(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const result = await tx.deleteFrom('recordings').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** One page of an account's recordings, newest first (one row more than asked, for has_more). */
export async function listRecordings(db: Db, accountId: string, callId: string | undefined, limit: number, startingAfter?: string): Promise<RecordingRow[]> {
  return db
    .selectFrom('recordings')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(!!callId, (q) => q.where('call_id', '=', callId as string))
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}
