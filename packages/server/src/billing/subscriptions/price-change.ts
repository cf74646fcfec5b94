import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { type ErrorCode, ProblemError } from '../../errors.js';
import { recordEvent } from '../../events/outbox.js';
import type { AuthContext } from '../../http/auth.js';
import { newId } from '../../ids.js';
import type { PriceChangesTable } from '../../store/schema.js';
import { manageableAccount } from '../access.js';
import { adjustPrice, checkPriceChange, parseCpiIndex, type PriceChangeRefusal } from '@prolope/rules';
import { billingToday } from '../today.js';
import { checkDate } from './dates.js';
import { readableSubscription, toPriceChange, toSubscription } from './subscription.js';

const refusals: Record<PriceChangeRefusal, ErrorCode> = {
  notice_too_short: 'price_change_notice_too_short',
  effective_before_notice: 'price_change_effective_before_notice',
  more_than_once_a_year: 'price_change_more_than_once_a_year',
};

function indexOf(text: string): number {
  try {
    return parseCpiIndex(text);
  } catch (err) {
    throw new ProblemError('validation_failed', `cpi_index ${text}: ${(err as Error).message}.`, { param: '/body/cpi_index' });
  }
}

/**
 * Schedules a CPI adjustment (terms 7.3), noticed today on the account's clock: at least 30 days ahead and
 * at most once a year. The `subscription.price_change_scheduled` event is the written notice; the billing
 * jobs apply the new fee on `effective_on`.
 */
export async function schedulePriceChange(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { cpi_index: string; effective_on: string },
): Promise<PriceChangesTable> {
  const effectiveOn = checkDate(body.effective_on, '/body/effective_on');
  const index = indexOf(body.cpi_index);
  const { subscription } = await readableSubscription(deps, auth, id);
  const account = await manageableAccount(deps, auth, subscription.account_id, 'schedule a price change');
  if (subscription.status === 'canceled') throw new ProblemError('subscription_not_active', `Subscription ${id} has ended.`);
  const today = await billingToday(deps.db, account, deps.clock);
  const previous = await deps.db
    .selectFrom('price_changes')
    .select('effective_on')
    .where('subscription_id', '=', id)
    .orderBy('effective_on', 'desc')
    .executeTakeFirst();
  const check = checkPriceChange({ noticeOn: today, effectiveOn, previousEffectiveOn: previous?.effective_on ?? null });
  if (!check.ok) {
    throw new ProblemError(refusals[check.code], `Refused: ${check.reason}. The earliest it may take effect is ${check.earliestEffectiveOn}.`, {
      param: '/body/effective_on',
    });
  }
  const at = deps.clock.now();
  const row: PriceChangesTable = {
    id: newId('priceChange', at),
    account_id: subscription.account_id,
    subscription_id: id,
    cpi_index: `${Math.floor(index / 100)}.${String(index % 100).padStart(2, '0')}`,
    old_fee: subscription.fee,
    new_fee: adjustPrice(subscription.fee, index),
    notice_on: today,
    effective_on: effectiveOn,
    applied: 0,
    created_at: iso(at),
  };
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('price_changes').values(row).execute();
    await recordEvent(tx, {
      accountId: subscription.account_id,
      type: 'subscription.price_change_scheduled',
      object: toSubscription(subscription),
      data: { price_change: toPriceChange(row) },
      at,
    });
  });
  return row;
}
