import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { FlowRevisionsTable, FlowsTable } from '../store/schema.js';
import { numbersRoutedTo } from '../numbers/route-target.js';

export type FlowRow = FlowsTable;
export type FlowRevisionRow = FlowRevisionsTable;

export async function insertFlow(tx: Tx, row: FlowRow): Promise<void> {
  await tx.insertInto('flows').values(row).execute();
}

export async function findFlow(db: Db | Tx, accountId: string, id: string): Promise<FlowRow | undefined> {
  return db.selectFrom('flows').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listFlows(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<FlowRow[]> {
  return accountPage(db, 'flows', accountId, limit, startingAfter);
}

export async function updateFlowRow(tx: Tx, accountId: string, id: string, patch: Partial<FlowRow>): Promise<void> {
  await tx.updateTable('flows').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

/** The flow and every revision of it (revisions first: they point at the flow). */
export async function deleteFlowRows(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('flow_revisions').where('account_id', '=', accountId).where('flow_id', '=', id).execute();
  await tx.deleteFrom('flows').where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function insertRevision(tx: Tx, row: FlowRevisionRow): Promise<void> {
  await tx.insertInto('flow_revisions').values(row).execute();
}

export async function findRevision(db: Db | Tx, accountId: string, flowId: string, revision: number): Promise<FlowRevisionRow | undefined> {
  return db
    .selectFrom('flow_revisions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('flow_id', '=', flowId)
    .where('revision', '=', revision)
    .executeTakeFirst();
}

/** Newest first, one row more than asked (for `has_more`); the cursor is a revision number. */
export async function listRevisions(db: Db, accountId: string, flowId: string, limit: number, startingAfter?: number): Promise<FlowRevisionRow[]> {
  return db
    .selectFrom('flow_revisions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('flow_id', '=', flowId)
    .$if(startingAfter !== undefined, (q) => q.where('revision', '<', startingAfter as number))
    .orderBy('revision', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The highest revision number taken, read inside the publishing transaction; 0 when none is. */
export async function highestRevision(tx: Tx, flowId: string): Promise<number> {
  const row = await tx
    .selectFrom('flow_revisions')
    .select((eb) => eb.fn.max('revision').as('n'))
    .where('flow_id', '=', flowId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Ids of the account's numbers and other flows (their drafts) that send calls to the flow, for the
 * refusal to delete it. Ids are unique strings, so a match inside the stored JSON is exact enough.
 */
export async function flowReferrers(db: Db | Tx, accountId: string, id: string): Promise<string[]> {
  const numbers = await numbersRoutedTo(db, accountId, 'flow_id', id);
  const flows = await db
    .selectFrom('flows')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '!=', id)
    .where('definition', 'like', `%"flow_id":"${id}"%`)
    .execute();
  return [...numbers.map((r) => r.id), ...flows.map((r) => r.id)];
}
