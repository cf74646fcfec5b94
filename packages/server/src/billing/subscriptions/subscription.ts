import type { Schema } from '../../http/contract.js';
import type { Deps } from '../../deps.js';
import { notFound, ProblemError } from '../../errors.js';
import type { AuthContext } from '../../http/auth.js';
import type { Db, Tx } from '../../store/db.js';
import type { AccountsTable, PriceChangesTable, SubscriptionsTable } from '../../store/schema.js';
import { readableAccount } from '../access.js';

export function toSubscription(row: SubscriptionsTable): Schema<'Subscription'> {
  return {
    id: row.id,
    object: 'subscription' as const,
    account_id: row.account_id,
    plan_id: row.plan_id,
    status: row.status as 'pending' | 'active' | 'canceled',
    currency: row.currency as 'EUR' | 'BGN',
    setup_fee: row.setup_fee,
    fee: row.fee,
    interval: row.interval as 'month' | 'year',
    activated_on: row.activated_on,
    current_period_start: row.current_period_start,
    current_period_end: row.current_period_end,
    cancel_at: row.cancel_at,
    canceled_on: row.canceled_on,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toPriceChange(row: PriceChangesTable): Schema<'PriceChange'> {
  return {
    id: row.id,
    object: 'price_change' as const,
    subscription_id: row.subscription_id,
    account_id: row.account_id,
    cpi_index: row.cpi_index,
    old_fee: row.old_fee,
    new_fee: row.new_fee,
    notice_on: row.notice_on,
    effective_on: row.effective_on,
    applied: row.applied === 1,
    created_at: row.created_at,
  };
}

export async function findSubscriptionRow(db: Db | Tx, id: string): Promise<SubscriptionsTable> {
  const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('subscription', id);
  return row;
}

/** A subscription the key may read (its account is readable), with that account; else not_found. */
export async function readableSubscription(deps: Deps, auth: AuthContext, id: string): Promise<{ subscription: SubscriptionsTable; account: AccountsTable }> {
  const subscription = await findSubscriptionRow(deps.db, id);
  try {
    return { subscription, account: await readableAccount(deps, auth, subscription.account_id) };
  } catch (err) {
    if (err instanceof ProblemError && err.code === 'not_found') throw notFound('subscription', id);
    throw err;
  }
}
