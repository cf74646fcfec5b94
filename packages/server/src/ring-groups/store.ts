import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { RingGroupsTable } from '../store/schema.js';
import { numbersRoutedTo } from '../numbers/route-target.js';

export type RingGroupRow = RingGroupsTable;

export async function insertRingGroup(tx: Tx, row: RingGroupRow): Promise<void> {
  await tx.insertInto('ring_groups').values(row).execute();
}

export async function findRingGroup(db: Db | Tx, accountId: string, id: string): Promise<RingGroupRow | undefined> {
  return db.selectFrom('ring_groups').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The account's group holding `extension`, if any (never another account's). */
export async function findRingGroupByExtension(db: Db | Tx, accountId: string, extension: string): Promise<RingGroupRow | undefined> {
  return db.selectFrom('ring_groups').selectAll().where('account_id', '=', accountId).where('extension', '=', extension).executeTakeFirst();
}

export async function listRingGroups(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<RingGroupRow[]> {
  return accountPage(db, 'ring_groups', accountId, limit, startingAfter);
}

export async function updateRingGroupRow(tx: Tx, accountId: string, id: string, patch: Partial<RingGroupRow>): Promise<void> {
  await tx.updateTable('ring_groups').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function deleteRingGroupRow(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('ring_groups').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * Takes the member index this call starts with and moves the group's cursor on, in one statement: an
 * UPDATE ... RETURNING is atomic on both stores (PostgreSQL locks the row for it), so two processes
 * taking calls for the same group at once never start at the same member.
 */
export async function takeRoundRobinStart(db: Db, accountId: string, id: string): Promise<number | undefined> {
  const row = await db
    .updateTable('ring_groups')
    .set((eb) => ({ rr_next: eb('rr_next', '+', 1) }))
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returning('rr_next')
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.rr_next) - 1;
}

/**
 * Ids of the account's numbers and other groups that send calls to the group (route or fallback), for
 * the refusal to delete it. Ids are unique strings, so a match inside the stored JSON is exact enough.
 */
export async function ringGroupReferrers(db: Db | Tx, accountId: string, id: string): Promise<string[]> {
  const numbers = await numbersRoutedTo(db, accountId, 'ring_group_id', id);
  const groups = await db
    .selectFrom('ring_groups')
    .select('id')
    .where('account_id', '=', accountId)
    .where('fallback', 'like', `%"ring_group_id":"${id}"%`)
    .execute();
  return [...numbers.map((r) => r.id), ...groups.map((r) => r.id)];
}
