import {
  type BillingInterval,
  type CalendarOverrides,
  type Currency,
  type LocalDate,
  oneMonthFee,
  setupInvoiceDueDate,
  type TerminationGround,
  terminationPenalty,
} from '@prolope/rules';
import { toAccount } from '../../accounts/service.js';
import { iso } from '../../clock.js';
import { recordEvent } from '../../events/outbox.js';
import type { Tx } from '../../store/db.js';
import type { AccountsTable } from '../../store/schema.js';
import { issueInvoice, type NewLine } from '../invoices/issue.js';
import { accruedPenalty } from '../invoices/serialize.js';
import { paymentsOf, penaltyDescription } from './overdue-step.js';

/** The grounds `POST /v1/accounts/{id}/terminate` takes, as the termination rules see them (terms 13.1, 13.2). */
export type ApiTerminationGround = 'customer_breach' | 'acceptable_use' | 'liquidation' | 'mutual';

/**
 * The spec bills one month's fee for `customer_breach` only ("the others bill nothing more"), so an
 * acceptable-use termination is priced like a mutual one here.
 */
export function terminationGroundOf(ground: ApiTerminationGround): TerminationGround {
  switch (ground) {
    case 'customer_breach':
      return { kind: 'breach' };
    case 'liquidation':
      return { kind: 'insolvency' };
    default:
      return { kind: 'mutual' };
  }
}

/**
 * Ends the agreement on `day` inside the caller's transaction (terms 13.3): the account becomes
 * terminated, its subscriptions end that day, and one termination invoice per currency bills the
 * termination penalty of each running subscription (13.2, one month's fee when the ground calls for it)
 * and the late-payment penalty accrued through `day` on every overdue invoice (which then gets no
 * penalty invoice of its own when it is paid later). Records `account.terminated`. Returns the row.
 */
export async function terminateInTx(
  tx: Tx,
  account: AccountsTable,
  day: LocalDate,
  ground: TerminationGround,
  at: Date,
  overrides: CalendarOverrides,
): Promise<AccountsTable> {
  const updated: AccountsTable = { ...account, status: 'terminated', terminated_on: day, updated_at: iso(at) };
  await tx.updateTable('accounts').set({ status: 'terminated', terminated_on: day, updated_at: updated.updated_at }).where('id', '=', account.id).execute();

  const linesByCurrency = new Map<string, NewLine[]>();
  const add = (currency: string, line: NewLine) => linesByCurrency.set(currency, [...(linesByCurrency.get(currency) ?? []), line]);

  const subs = await tx
    .selectFrom('subscriptions')
    .innerJoin('plans', 'plans.id', 'subscriptions.plan_id')
    .selectAll('subscriptions')
    .select('plans.name as plan_name')
    .where('subscriptions.account_id', '=', account.id)
    .where('subscriptions.status', '!=', 'canceled')
    .orderBy('subscriptions.id')
    .execute();
  for (const sub of subs) {
    if (sub.status === 'active') {
      const amount = terminationPenalty(ground, day, oneMonthFee(sub.fee, sub.interval as BillingInterval));
      if (amount > 0) add(sub.currency, { kind: 'termination_fee', description: `${sub.plan_name}: early termination, one month's fee (terms 13.2)`, amount });
    }
  }
  if (subs.length > 0) {
    await tx
      .updateTable('subscriptions')
      .set({ status: 'canceled', canceled_on: day, updated_at: iso(at) })
      .where('account_id', '=', account.id)
      .where('status', '!=', 'canceled')
      .execute();
  }

  const overdue = await tx
    .selectFrom('invoices')
    .selectAll()
    .where('account_id', '=', account.id)
    .where('status', '=', 'open')
    .where('due_date', '<', day)
    .where('penalty_invoiced', '=', 0)
    .where('kind', 'in', ['setup', 'subscription'])
    .orderBy('id')
    .execute();
  for (const row of overdue) {
    const amount = accruedPenalty(row, await paymentsOf(tx, row.id), day);
    if (amount > 0) add(row.currency, { kind: 'penalty', description: penaltyDescription(row, day), amount, sourceInvoiceId: row.id });
    await tx
      .updateTable('invoices')
      .set({ penalty_invoiced: 1, updated_at: iso(at) })
      .where('id', '=', row.id)
      .execute();
  }

  for (const [currency, lines] of linesByCurrency) {
    await issueInvoice(tx, {
      account,
      subscriptionId: subs.length === 1 ? (subs[0]?.id ?? null) : null,
      kind: 'termination',
      currency: currency as Currency,
      issueDate: day,
      dueDate: setupInvoiceDueDate(day, overrides),
      lines,
      at,
    });
  }
  await recordEvent(tx, { accountId: account.id, type: 'account.terminated', object: toAccount(updated), at });
  return updated;
}
