import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { SchedulesTable } from '../store/schema.js';
import { numbersRoutedTo } from '../numbers/route-target.js';

export type ScheduleRow = SchedulesTable;

export async function insertSchedule(tx: Tx, row: ScheduleRow): Promise<void> {
  await tx.insertInto('schedules').values(row).execute();
}

export async function findSchedule(db: Db | Tx, accountId: string, id: string): Promise<ScheduleRow | undefined> {
  return db.selectFrom('schedules').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listSchedules(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<ScheduleRow[]> {
  return accountPage(db, 'schedules', accountId, limit, startingAfter);
}

export async function updateScheduleRow(tx: Tx, accountId: string, id: string, patch: Partial<ScheduleRow>): Promise<void> {
  await tx.updateTable('schedules').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function deleteScheduleRow(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('schedules').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * The account's numbers (E.164) whose route goes by the schedule, for the refusal to delete it. Ids are
 * unique strings, so a match inside the stored JSON is exact enough.
 */
export async function scheduleReferrers(db: Db | Tx, accountId: string, id: string): Promise<string[]> {
  return (await numbersRoutedTo(db, accountId, 'schedule_id', id)).map((r) => r.number);
}
