import type { Db, Tx } from '../store/db.js';
import type { CarriersTable } from '../store/schema.js';

export type CarrierRow = CarriersTable;

export async function insertCarrier(tx: Tx, row: CarrierRow): Promise<void> {
  await tx.insertInto('carriers').values(row).execute();
}

export async function findCarrier(db: Db | Tx, id: string): Promise<CarrierRow | undefined> {
  return db.selectFrom('carriers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One page, newest first (ids sort by creation time), one row more than asked to tell has_more. */
export async function listCarriers(db: Db, limit: number, startingAfter?: string): Promise<CarrierRow[]> {
  return db
    .selectFrom('carriers')
    .selectAll()
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The enabled carriers in the order calls try them: priority, then the oldest first. */
export async function enabledCarriers(db: Db | Tx): Promise<CarrierRow[]> {
  return db.selectFrom('carriers').selectAll().where('enabled', '=', 1).orderBy('priority').orderBy('id').execute();
}

export async function updateCarrierRow(tx: Tx, id: string, patch: Partial<CarrierRow>): Promise<number> {
  const res = await tx.updateTable('carriers').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function deleteCarrierRow(tx: Tx, id: string): Promise<number> {
  const res = await tx.deleteFrom('carriers').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows);
}
