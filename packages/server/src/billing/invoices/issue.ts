import { type Currency, invoiceTotals, type LocalDate, vatTreatment } from '@prolope/rules';
import { iso } from '../../clock.js';
import { recordEvent } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import type { Tx } from '../../store/db.js';
import type { AccountsTable, InvoicesTable } from '../../store/schema.js';
import { nextDocumentNumber } from './numbering.js';
import { loadInvoiceObject } from './serialize.js';

export type InvoiceKind = 'setup' | 'subscription' | 'penalty' | 'termination';
export type LineKind = 'setup' | 'fee' | 'penalty' | 'termination_fee';

export interface NewLine {
  kind: LineKind;
  description: string;
  quantity?: number;
  unitAmount?: number;
  /** Net, minor units. */
  amount: number;
  periodStart?: LocalDate | null;
  periodEnd?: LocalDate | null;
  sourceInvoiceId?: string | null;
}

export interface NewInvoice {
  account: AccountsTable;
  subscriptionId: string | null;
  kind: InvoiceKind;
  currency: Currency;
  issueDate: LocalDate;
  dueDate: LocalDate;
  lines: readonly NewLine[];
  /** Real time of the write (created_at, the event's time); the dates above are the account's billing days. */
  at: Date;
}

interface LegalEntity {
  type: 'company' | 'sole_trader' | 'individual';
  legal_name: string;
  country: string;
  vat_number?: string;
  registration_number?: string;
  address?: string;
}

/**
 * Issues an invoice inside the caller's transaction: the next number, VAT by the customer's case (one
 * rounding on the taxable base; penalty and termination-fee lines are compensation, outside VAT), a
 * snapshot of the buyer, the lines, and `invoice.created` in the outbox. Returns the row.
 *
 * VAT numbers are taken as validated: checking them in VIES needs the network, which the server does
 * not assume; the operator corrects a wrong one with a credit note (noted in issue 6).
 */
export async function issueInvoice(tx: Tx, input: NewInvoice): Promise<InvoicesTable> {
  const entity = JSON.parse(input.account.legal_entity) as LegalEntity;
  const treatment = vatTreatment({
    country: entity.country,
    type: entity.type,
    vatNumber: entity.vat_number ?? null,
    vatNumberValidated: Boolean(entity.vat_number),
  });
  const totals = invoiceTotals(
    input.lines.map((l) => ({ amount: l.amount, taxable: l.kind !== 'penalty' && l.kind !== 'termination_fee' })),
    treatment,
    input.currency,
  );
  const at = iso(input.at);
  const row: InvoicesTable = {
    id: newId('invoice', input.at),
    account_id: input.account.id,
    subscription_id: input.subscriptionId,
    number: await nextDocumentNumber(tx, input.account.test_clock_id !== null),
    kind: input.kind,
    status: 'open',
    currency: input.currency,
    issue_date: input.issueDate,
    due_date: input.dueDate,
    subtotal: totals.taxableBase + totals.nonTaxable,
    vat_case: treatment.case,
    vat_rate_basis_points: treatment.rateBasisPoints,
    vat: totals.vat,
    total: totals.total,
    amount_paid: 0,
    amount_credited: 0,
    vat_note: treatment.note,
    buyer: JSON.stringify({ account_id: input.account.id, ...entity }),
    overdue_since: null,
    paid_on: null,
    penalty_invoiced: 0,
    created_at: at,
    updated_at: at,
  };
  await tx.insertInto('invoices').values(row).execute();
  await tx
    .insertInto('invoice_lines')
    .values(
      input.lines.map((l, position) => ({
        id: newId('invoiceLine', input.at),
        invoice_id: row.id,
        account_id: row.account_id,
        position,
        kind: l.kind,
        description: l.description,
        quantity: l.quantity ?? 1,
        unit_amount: l.unitAmount ?? l.amount,
        amount: l.amount,
        period_start: l.periodStart ?? null,
        period_end: l.periodEnd ?? null,
        source_invoice_id: l.sourceInvoiceId ?? null,
      })),
    )
    .execute();
  await recordEvent(tx, { accountId: row.account_id, type: 'invoice.created', object: await loadInvoiceObject(tx, row, input.issueDate), at: input.at });
  return row;
}
