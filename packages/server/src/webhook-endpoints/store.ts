import type { Db, Tx } from '../store/db.js';
import type { EndpointRow } from './endpoint.js';

export async function findEndpoint(db: Db | Tx, accountId: string, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listEndpoints(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function countEndpoints(db: Db | Tx, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
