import type { Schema } from '../../http/contract.js';
import type { FastifyBaseLogger } from 'fastify';
import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../errors.js';
import type { AuthContext } from '../../http/auth.js';
import { newId } from '../../ids.js';
import type { AccountsTable, PlansTable, SubscriptionsTable } from '../../store/schema.js';
import { manageableAccount, readableAccount } from '../access.js';
import { runAccountBilling } from '../engine/index.js';
import { findVisiblePlan } from '../plans/plan.js';
import { activationDate } from '@prolope/rules';
import { billingToday } from '../today.js';
import { checkDate } from './dates.js';
import { findSubscriptionRow } from './subscription.js';

export type SubscriptionCreate = Schema<'SubscriptionCreate'>;

/** Subscribing another account, or recording its activation protocol, is Prolope's act (or a test clock owner's). */
async function subscriberOf(deps: Deps, auth: AuthContext, body: SubscriptionCreate): Promise<AccountsTable> {
  const other = body.account !== undefined && body.account !== auth.accountId;
  if (other) return manageableAccount(deps, auth, body.account, 'subscribe an account to a plan');
  if (body.protocol_signed_on !== undefined) return manageableAccount(deps, auth, body.account, 'record a signed activation protocol');
  return readableAccount(deps, auth, body.account);
}

/** Operator plans take anyone; a test plan only the test-clock subaccounts of the account that made it. */
async function checkAvailable(deps: Deps, plan: PlansTable, account: AccountsTable): Promise<void> {
  let available = plan.active === 1 && plan.owner_account_id === null;
  if (plan.active === 1 && plan.owner_account_id !== null && account.test_clock_id) {
    const clock = await deps.db.selectFrom('test_clocks').select('account_id').where('id', '=', account.test_clock_id).executeTakeFirst();
    available = clock?.account_id === plan.owner_account_id;
  }
  if (!available) {
    const why = plan.active !== 1 ? 'it is inactive' : `it is a test plan: only the test-clock subaccounts of ${plan.owner_account_id} may subscribe to it`;
    throw new ProblemError('plan_not_available', `Account ${account.id} cannot subscribe to plan ${plan.id}: ${why}.`, { param: '/body/plan' });
  }
}

/**
 * Creates a subscription (terms 7.3): billing starts on the activation date, the signed protocol or the
 * first use, whichever comes first; creating the subscription counts as the first use. The billing jobs
 * then run for the account up to today, so the setup and first invoices exist when this answers.
 */
export async function createSubscription(deps: Deps, auth: AuthContext, body: SubscriptionCreate, log: FastifyBaseLogger): Promise<SubscriptionsTable> {
  const protocolSignedOn = body.protocol_signed_on === undefined ? null : checkDate(body.protocol_signed_on, '/body/protocol_signed_on');
  const account = await subscriberOf(deps, auth, body);
  const plan = await findVisiblePlan(deps.db, auth, body.plan);
  if (!plan) throw new ProblemError('invalid_reference', `No plan ${body.plan} visible to this key (GET /v1/plans lists them).`, { param: '/body/plan' });
  await checkAvailable(deps, plan, account);
  const today = await billingToday(deps.db, account, deps.clock);
  const activation = activationDate({ protocolSignedOn, firstUsedOn: today }) ?? today;
  const at = deps.clock.now();
  const active = activation <= today;
  const row: SubscriptionsTable = {
    id: newId('subscription', at),
    account_id: account.id,
    plan_id: plan.id,
    status: active ? 'active' : 'pending',
    currency: plan.currency,
    setup_fee: plan.setup_fee,
    fee: plan.fee,
    interval: plan.interval,
    protocol_signed_on: protocolSignedOn,
    first_used_on: today,
    activated_on: active ? activation : null,
    setup_invoiced: 0,
    current_period_start: null,
    current_period_end: null,
    cancel_at: null,
    canceled_on: null,
    created_at: iso(at),
    updated_at: iso(at),
  };
  await deps.db.transaction().execute((tx) => tx.insertInto('subscriptions').values(row).execute());
  try {
    await runAccountBilling(deps, account.id, today);
  } catch (err) {
    // The subscription is committed; the daily billing run catches up on the invoices.
    log.error({ err, accountId: account.id }, 'billing run after subscribing failed');
  }
  return findSubscriptionRow(deps.db, row.id);
}
