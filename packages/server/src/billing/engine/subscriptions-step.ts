import {
  activationDate,
  addDays,
  addMonths,
  type Currency,
  dateParts,
  daysBetween,
  daysInMonth,
  feeForDays,
  type LocalDate,
  localDate,
  minDate,
  monthlyFeeDueDate,
  prorate,
  setupInvoiceDueDate,
} from '@prolope/rules';
import { iso } from '../../clock.js';
import type { SubscriptionsTable } from '../../store/schema.js';
import { issueInvoice } from '../invoices/issue.js';
import { type DayContext, endedBefore } from './context.js';

/** Step 1: CPI price changes taking effect today set the subscription's fee (terms 7.3). */
export async function applyPriceChanges(ctx: DayContext): Promise<void> {
  const due = await ctx.tx
    .selectFrom('price_changes')
    .selectAll()
    .where('account_id', '=', ctx.account.id)
    .where('applied', '=', 0)
    .where('effective_on', '<=', ctx.day)
    .orderBy('effective_on')
    .orderBy('id')
    .execute();
  for (const change of due) {
    await ctx.tx
      .updateTable('subscriptions')
      .set({ fee: change.new_fee, updated_at: iso(ctx.at) })
      .where('id', '=', change.subscription_id)
      .execute();
    await ctx.tx.updateTable('price_changes').set({ applied: 1 }).where('id', '=', change.id).execute();
  }
}

interface Period {
  start: LocalDate;
  end: LocalDate;
  amount: number;
}

function lastDayOfMonth(date: LocalDate): LocalDate {
  const { year, month } = dateParts(date);
  return localDate(year, month, daysInMonth(year, month));
}

/**
 * The billing period starting on `start`: monthly fees run to the end of the calendar month (the first
 * one prorated from the activation date), annual fees a year from `start`. A period that `cancel_at`
 * cuts short is prorated by days (only when the notice was known before the period was invoiced; an
 * invoice already issued stays as it is, fees being non-refundable).
 */
export function periodFrom(sub: Pick<SubscriptionsTable, 'fee' | 'interval' | 'cancel_at'>, start: LocalDate): Period {
  if (sub.interval === 'year') {
    const fullEnd = addDays(addMonths(start, 12), -1);
    const end = sub.cancel_at ? minDate(fullEnd, sub.cancel_at as LocalDate) : fullEnd;
    const days = daysBetween(start, end) + 1;
    const periodDays = daysBetween(start, fullEnd) + 1;
    return { start, end, amount: end === fullEnd ? sub.fee : prorate(sub.fee, days, periodDays) };
  }
  const monthEnd = lastDayOfMonth(start);
  const end = sub.cancel_at ? minDate(monthEnd, sub.cancel_at as LocalDate) : monthEnd;
  return { start, end, amount: feeForDays(sub.fee, start, end) };
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function periodLabel(p: Period): string {
  return `${p.start} to ${p.end}`;
}

function describeFee(planName: string, sub: Pick<SubscriptionsTable, 'interval'>, p: Period): string {
  if (sub.interval === 'month' && dateParts(p.start).day === 1 && p.end === lastDayOfMonth(p.start)) {
    const { year, month } = dateParts(p.start);
    return `${planName}: monthly fee, ${monthNames[month - 1]} ${year}`;
  }
  return `${planName}: ${sub.interval === 'year' ? 'annual' : 'monthly'} fee, ${periodLabel(p)}`;
}

/**
 * Step 2: pending subscriptions whose activation date came start billing (terms 7.3); active ones get
 * the setup invoice once and an invoice for each period that starts by today; those past `cancel_at`
 * end. `canceled_on` is `cancel_at`, the last day of service: the status changes the day after it.
 */
export async function runSubscriptions(ctx: DayContext): Promise<void> {
  if (endedBefore(ctx.account, ctx.day)) return;
  const subs = await ctx.tx
    .selectFrom('subscriptions')
    .innerJoin('plans', 'plans.id', 'subscriptions.plan_id')
    .selectAll('subscriptions')
    .select('plans.name as plan_name')
    .where('subscriptions.account_id', '=', ctx.account.id)
    .where('subscriptions.status', '!=', 'canceled')
    .orderBy('subscriptions.id')
    .execute();
  for (const { plan_name, ...row } of subs) {
    let sub: SubscriptionsTable = row;
    if (sub.status === 'pending') {
      const activation = activationDate({
        protocolSignedOn: sub.protocol_signed_on as LocalDate | null,
        firstUsedOn: sub.first_used_on as LocalDate | null,
      });
      if (!activation || activation > ctx.day) continue;
      sub = { ...sub, status: 'active', activated_on: activation };
      await ctx.tx
        .updateTable('subscriptions')
        .set({ status: 'active', activated_on: activation, updated_at: iso(ctx.at) })
        .where('id', '=', sub.id)
        .execute();
    }
    if (sub.status !== 'active' || !sub.activated_on) continue;
    if (sub.setup_fee > 0 && sub.setup_invoiced === 0) {
      await issueInvoice(ctx.tx, {
        account: ctx.account,
        subscriptionId: sub.id,
        kind: 'setup',
        currency: sub.currency as Currency,
        issueDate: ctx.day,
        dueDate: setupInvoiceDueDate(ctx.day, ctx.overrides),
        lines: [{ kind: 'setup', description: `${plan_name}: setup fee`, amount: sub.setup_fee }],
        at: ctx.at,
      });
      await ctx.tx
        .updateTable('subscriptions')
        .set({ setup_invoiced: 1, updated_at: iso(ctx.at) })
        .where('id', '=', sub.id)
        .execute();
    }
    // Every period that has started by today (more than one only when catching up on a backdated activation).
    for (;;) {
      const start = sub.current_period_end ? addDays(sub.current_period_end, 1) : (sub.activated_on as LocalDate);
      if (start > ctx.day || (sub.cancel_at && start > sub.cancel_at)) break;
      const period = periodFrom(sub, start);
      await issueInvoice(ctx.tx, {
        account: ctx.account,
        subscriptionId: sub.id,
        kind: 'subscription',
        currency: sub.currency as Currency,
        issueDate: ctx.day,
        dueDate: monthlyFeeDueDate({ periodStart: period.start, invoiceDate: ctx.day }, ctx.overrides),
        lines: [{ kind: 'fee', description: describeFee(plan_name, sub, period), amount: period.amount, periodStart: period.start, periodEnd: period.end }],
        at: ctx.at,
      });
      sub = { ...sub, current_period_start: period.start, current_period_end: period.end };
      await ctx.tx
        .updateTable('subscriptions')
        .set({ current_period_start: period.start, current_period_end: period.end, updated_at: iso(ctx.at) })
        .where('id', '=', sub.id)
        .execute();
    }
    if (sub.cancel_at && sub.cancel_at < ctx.day) {
      await ctx.tx
        .updateTable('subscriptions')
        .set({ status: 'canceled', canceled_on: sub.cancel_at, updated_at: iso(ctx.at) })
        .where('id', '=', sub.id)
        .execute();
    }
  }
  // Pending subscriptions past their cancel_at never started: they end too.
  await ctx.tx
    .updateTable('subscriptions')
    .set((eb) => ({ status: 'canceled', canceled_on: eb.ref('cancel_at'), updated_at: iso(ctx.at) }))
    .where('account_id', '=', ctx.account.id)
    .where('status', '=', 'pending')
    .where('cancel_at', '<', ctx.day)
    .execute();
}
