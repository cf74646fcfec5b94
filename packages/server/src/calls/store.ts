import type { Db, Tx } from '../store/db.js';
import type { CallsTable } from '../store/schema.js';

export type CallRow = CallsTable;

export async function insertCall(tx: Tx, row: CallRow): Promise<void> {
  await tx.insertInto('calls').values(row).execute();
}

export async function findCall(db: Db | Tx, accountId: string, id: string): Promise<CallRow | undefined> {
  return db.selectFrom('calls').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function updateCallRow(tx: Tx, id: string, patch: Partial<CallRow>): Promise<void> {
  await tx.updateTable('calls').set(patch).where('id', '=', id).execute();
}

export interface CallFilters {
  status?: string | undefined;
  direction?: string | undefined;
  parentCallId?: string | undefined;
}

export async function listCalls(db: Db, accountId: string, filters: CallFilters, limit: number, startingAfter?: string): Promise<CallRow[]> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(!!filters.status, (q) => q.where('status', '=', filters.status as string))
    .$if(!!filters.direction, (q) => q.where('direction', '=', filters.direction as string))
    .$if(!!filters.parentCallId, (q) => q.where('parent_call_id', '=', filters.parentCallId as string))
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}
