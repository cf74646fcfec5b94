import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../errors.js';
import type { AuthContext } from '../../http/auth.js';
import type { SubscriptionsTable } from '../../store/schema.js';
import { mayManage } from '../access.js';
import { issueInvoice } from '../invoices/issue.js';
import { loadOverrides } from '../overrides-store.js';
import { type BillingInterval, type Currency, noticePeriodEnd, oneMonthFee, setupInvoiceDueDate } from '@prolope/rules';
import { billingToday } from '../today.js';
import { findSubscriptionRow, readableSubscription } from './subscription.js';

/**
 * Notice of termination (terms 13.1): the subscription runs to one month after today. Without notice it
 * ends today and one month's fee is billed on a termination invoice (13.2), due like a one-time fee.
 * Notice given again keeps the first notice's end date. A zero fee bills nothing.
 */
export async function cancelSubscription(deps: Deps, auth: AuthContext, id: string, withoutNotice: boolean): Promise<SubscriptionsTable> {
  const { subscription, account } = await readableSubscription(deps, auth, id);
  if (subscription.account_id !== auth.accountId && !(await mayManage(deps, auth, account))) {
    throw new ProblemError(
      'billing_not_allowed',
      `Only account ${subscription.account_id} itself, the operator or its test clock's owner may end subscription ${id}.`,
    );
  }
  const ended = () => new ProblemError('subscription_not_active', `Subscription ${id} ended on ${subscription.canceled_on ?? subscription.cancel_at}.`);
  if (subscription.status === 'canceled') throw ended();
  if (!withoutNotice && subscription.cancel_at) return subscription;
  const today = await billingToday(deps.db, account, deps.clock);
  const at = deps.clock.now();
  const patch: Partial<SubscriptionsTable> = withoutNotice
    ? { status: 'canceled', cancel_at: today, canceled_on: today, updated_at: iso(at) }
    : { cancel_at: noticePeriodEnd(today), updated_at: iso(at) };
  await deps.db.transaction().execute(async (tx) => {
    const done = await tx.updateTable('subscriptions').set(patch).where('id', '=', id).where('status', '!=', 'canceled').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw ended();
    const fee = oneMonthFee(subscription.fee, subscription.interval as BillingInterval);
    if (!withoutNotice || fee === 0) return;
    await issueInvoice(tx, {
      account,
      subscriptionId: subscription.id,
      kind: 'termination',
      currency: subscription.currency as Currency,
      issueDate: today,
      dueDate: setupInvoiceDueDate(today, await loadOverrides(tx)),
      lines: [{ kind: 'termination_fee', description: "Termination without one month's notice (terms 13.2): one month's fee", amount: fee }],
      at,
    });
  });
  return findSubscriptionRow(deps.db, id);
}
