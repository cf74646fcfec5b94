import type { Schema } from '../../http/contract.js';
import type { AuthContext } from '../../http/auth.js';
import type { Db, Tx } from '../../store/db.js';
import type { PlansTable } from '../../store/schema.js';

export function toPlan(row: PlansTable): Schema<'Plan'> {
  return {
    id: row.id,
    object: 'plan' as const,
    name: row.name,
    currency: row.currency as 'EUR' | 'BGN',
    setup_fee: row.setup_fee,
    fee: row.fee,
    interval: row.interval as 'month' | 'year',
    active: row.active === 1,
    test: row.owner_account_id !== null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * The plans a key sees: the operator all of them; any other account the active operator plans (what it
 * may subscribe to) and its own test plans, active or not (it manages them).
 */
export function visiblePlans(db: Db | Tx, auth: AuthContext) {
  const q = db.selectFrom('plans').selectAll();
  if (auth.isOperator) return q;
  return q.where((eb) => eb.or([eb.and([eb('owner_account_id', 'is', null), eb('active', '=', 1)]), eb('owner_account_id', '=', auth.accountId)]));
}

export async function findVisiblePlan(db: Db | Tx, auth: AuthContext, id: string): Promise<PlansTable | undefined> {
  return visiblePlans(db, auth).where('id', '=', id).executeTakeFirst();
}

export async function listVisiblePlans(db: Db, auth: AuthContext, limit: number, startingAfter?: string): Promise<PlansTable[]> {
  return visiblePlans(db, auth)
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Who may edit a plan: the operator its own (operator) plans, an account its test plans. */
export function mayEditPlan(auth: AuthContext, row: PlansTable): boolean {
  return row.owner_account_id === null ? auth.isOperator : row.owner_account_id === auth.accountId;
}
