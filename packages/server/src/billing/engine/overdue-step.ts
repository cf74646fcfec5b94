import { addDays, type Currency, daysOverdue, type LocalDate, setupInvoiceDueDate } from '@prolope/rules';
import { iso } from '../../clock.js';
import { recordEvent } from '../../events/outbox.js';
import type { Tx } from '../../store/db.js';
import type { InvoicesTable } from '../../store/schema.js';
import { issueInvoice } from '../invoices/issue.js';
import { accruedPenalty, loadInvoiceObject } from '../invoices/serialize.js';
import { type DayContext, endedBefore } from './context.js';

/** Kinds of invoice a late payment of which costs a penalty (no penalty on a penalty, terms 7.2). */
const PENALIZED_KINDS = ['setup', 'subscription'];

/** Step 3: open invoices past their due date become overdue once, with `invoice.overdue`. */
export async function markOverdue(ctx: DayContext): Promise<void> {
  const rows = await ctx.tx
    .selectFrom('invoices')
    .selectAll()
    .where('account_id', '=', ctx.account.id)
    .where('status', '=', 'open')
    .where('due_date', '<', ctx.day)
    .where('overdue_since', 'is', null)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    // The first day it was overdue: the day after the due date (today, when the jobs run every day).
    const since = addDays(row.due_date as LocalDate, 1);
    const updated: InvoicesTable = { ...row, overdue_since: since, updated_at: iso(ctx.at) };
    await ctx.tx.updateTable('invoices').set({ overdue_since: since, updated_at: updated.updated_at }).where('id', '=', row.id).execute();
    await recordEvent(ctx.tx, { accountId: row.account_id, type: 'invoice.overdue', object: await loadInvoiceObject(ctx.tx, updated, ctx.day), at: ctx.at });
  }
}

export async function paymentsOf(tx: Tx, invoiceId: string) {
  return tx.selectFrom('payments').select(['amount', 'received_on']).where('invoice_id', '=', invoiceId).execute();
}

export function penaltyDescription(source: Pick<InvoicesTable, 'number' | 'due_date'>, through: LocalDate): string {
  const days = daysOverdue(source.due_date as LocalDate, through);
  return `Late payment penalty on invoice ${source.number}: 0.2 % a day for ${days} day${days === 1 ? '' : 's'} (terms 7.2)`;
}

/**
 * Step 4: an invoice paid in full after its due date gets its penalty billed on a penalty invoice,
 * the penalty as accrued through the day it was paid. Not after the agreement ended (the termination
 * invoice billed the penalties accrued by then).
 */
export async function billPenalties(ctx: DayContext): Promise<void> {
  if (endedBefore(ctx.account, ctx.day)) return;
  const rows = await ctx.tx
    .selectFrom('invoices')
    .selectAll()
    .where('account_id', '=', ctx.account.id)
    .where('status', '=', 'paid')
    .where('penalty_invoiced', '=', 0)
    .where('paid_on', 'is not', null)
    .where('kind', 'in', PENALIZED_KINDS)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    if (!row.paid_on || row.paid_on <= row.due_date) continue;
    const amount = accruedPenalty(row, await paymentsOf(ctx.tx, row.id), row.paid_on as LocalDate);
    if (amount > 0) {
      await issueInvoice(ctx.tx, {
        account: ctx.account,
        subscriptionId: row.subscription_id,
        kind: 'penalty',
        currency: row.currency as Currency,
        issueDate: ctx.day,
        dueDate: setupInvoiceDueDate(ctx.day, ctx.overrides),
        lines: [{ kind: 'penalty', description: penaltyDescription(row, row.paid_on as LocalDate), amount, sourceInvoiceId: row.id }],
        at: ctx.at,
      });
    }
    await ctx.tx
      .updateTable('invoices')
      .set({ penalty_invoiced: 1, updated_at: iso(ctx.at) })
      .where('id', '=', row.id)
      .execute();
  }
}
