import type { Schema } from '../../http/contract.js';
import { daysOverdue, type LocalDate, minDate, penaltyAccrued } from '@prolope/rules';
import type { Db, Tx } from '../../store/db.js';
import type { InvoiceLinesTable, InvoicesTable } from '../../store/schema.js';

/** What is still owed on the invoice. */
export function amountDue(row: Pick<InvoicesTable, 'total' | 'amount_paid' | 'amount_credited'>): number {
  return Math.max(0, row.total - row.amount_paid - row.amount_credited);
}

/**
 * The late-payment penalty accrued on an invoice through `today` (terms 7.2): on what the invoice asks
 * for less credit notes, payments counting from the day after they arrived, stopping once it is paid.
 * Penalty and termination invoices accrue none (no penalty on a penalty).
 */
export function accruedPenalty(row: InvoicesTable, payments: readonly { amount: number; received_on: string }[], today: LocalDate): number {
  if (row.kind === 'penalty' || row.kind === 'termination' || row.status === 'void') return 0;
  const asOf = row.paid_on ? minDate(row.paid_on as LocalDate, today) : today;
  return penaltyAccrued(
    {
      amount: row.total - row.amount_credited,
      dueDate: row.due_date as LocalDate,
      payments: payments.map((p) => ({ amount: p.amount, receivedOn: p.received_on as LocalDate })),
    },
    asOf,
  );
}

export function toInvoice(
  row: InvoicesTable,
  lines: readonly InvoiceLinesTable[],
  payments: readonly { amount: number; received_on: string }[],
  today: LocalDate,
): Invoice {
  return {
    id: row.id,
    object: 'invoice' as const,
    account_id: row.account_id,
    subscription_id: row.subscription_id,
    number: row.number,
    kind: row.kind as 'setup' | 'subscription' | 'penalty' | 'termination',
    status: row.status as 'open' | 'paid' | 'void',
    currency: row.currency as 'EUR' | 'BGN',
    issue_date: row.issue_date,
    due_date: row.due_date,
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        id: l.id,
        kind: l.kind as 'setup' | 'fee' | 'penalty' | 'termination_fee',
        description: l.description,
        quantity: l.quantity,
        unit_amount: l.unit_amount,
        amount: l.amount,
        period_start: l.period_start,
        period_end: l.period_end,
        source_invoice_id: l.source_invoice_id,
      })),
    subtotal: row.subtotal,
    vat_case: row.vat_case as 'domestic' | 'eu_reverse_charge' | 'eu_consumer' | 'outside_eu',
    vat_rate_basis_points: row.vat_rate_basis_points,
    vat: row.vat,
    total: row.total,
    amount_paid: row.amount_paid,
    amount_credited: row.amount_credited,
    amount_due: amountDue(row),
    overdue_since: row.overdue_since,
    days_overdue: row.status === 'open' ? daysOverdue(row.due_date as LocalDate, today) : 0,
    penalty_accrued: accruedPenalty(row, payments, today),
    paid_on: row.paid_on,
    vat_note: row.vat_note,
    buyer: JSON.parse(row.buyer) as Record<string, unknown>,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type Invoice = Schema<'Invoice'>;

/** The API object of an invoice row, reading its lines and payments; `today` is the account's billing day. */
export async function loadInvoiceObject(db: Db | Tx, row: InvoicesTable, today: LocalDate): Promise<Invoice> {
  const [lines, payments] = await Promise.all([
    db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', row.id).execute(),
    db.selectFrom('payments').select(['amount', 'received_on']).where('invoice_id', '=', row.id).execute(),
  ]);
  return toInvoice(row, lines, payments, today);
}
