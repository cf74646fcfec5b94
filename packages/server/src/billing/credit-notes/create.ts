import type { Schema } from '../../http/contract.js';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../errors.js';
import type { AuthContext } from '../../http/auth.js';
import { newId } from '../../ids.js';
import type { CreditNotesTable, InvoicesTable } from '../../store/schema.js';
import { refreshStanding } from '../engine/index.js';
import { nextDocumentNumber } from '../invoices/numbering.js';
import { amountDue } from '../invoices/serialize.js';
import { managedInvoice, notOpen } from '../payments/invoice-access.js';
import { settleIfDone } from '../payments/settle.js';
import { mulDiv } from '@prolope/rules';
import { billingToday } from '../today.js';

export type CreditNoteCreate = Schema<'CreditNoteCreate'>;

function exceeds(invoice: InvoicesTable, amount: number): ProblemError {
  return new ProblemError(
    'credit_exceeds_balance',
    `Invoice ${invoice.number} asks for ${amountDue(invoice)} more (minor units of ${invoice.currency}); a credit note of ${amount} is more than that.`,
    { param: '/body/amount' },
  );
}

/**
 * The VAT part of a credit, in the invoice's proportion, rounded half-up once; the net part is the rest,
 * so subtotal + vat is the amount exactly and crediting a whole invoice gives back its VAT to the cent.
 */
export function splitCredit(amount: number, invoice: Pick<InvoicesTable, 'vat' | 'total'>): { subtotal: number; vat: number } {
  const vat = invoice.total > 0 ? mulDiv(amount, invoice.vat, invoice.total) : 0;
  return { subtotal: amount - vat, vat };
}

/**
 * Cancels part or all of what an invoice still asks for. The credit note takes the next number of the
 * series invoices use (one unbroken series, VAT Act art. 78). With nothing left due, the invoice is void
 * when nothing was paid on it, else paid.
 */
export async function issueCreditNote(deps: Deps, auth: AuthContext, body: CreditNoteCreate, log: FastifyBaseLogger): Promise<CreditNotesTable> {
  const { invoice, account } = await managedInvoice(deps, auth, body.invoice, 'issue a credit note');
  if (invoice.status !== 'open') throw notOpen(invoice);
  const amount = body.amount ?? amountDue(invoice);
  if (amount > amountDue(invoice)) throw exceeds(invoice, amount);
  const today = await billingToday(deps.db, account, deps.clock);
  const at = deps.clock.now();
  const note = await deps.db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('invoices')
      .set((eb) => ({ amount_credited: eb('amount_credited', '+', amount), updated_at: iso(at) }))
      .where('id', '=', invoice.id)
      .where('status', '=', 'open')
      .where(sql<number>`total - amount_paid - amount_credited`, '>=', amount)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      const now = await tx.selectFrom('invoices').selectAll().where('id', '=', invoice.id).executeTakeFirstOrThrow();
      throw now.status === 'open' ? exceeds(now, amount) : notOpen(now);
    }
    const row: CreditNotesTable = {
      id: newId('creditNote', at),
      account_id: invoice.account_id,
      invoice_id: invoice.id,
      number: await nextDocumentNumber(tx, account.test_clock_id !== null),
      amount,
      ...splitCredit(amount, invoice),
      reason: body.reason,
      issue_date: today,
      created_at: iso(at),
    };
    await tx.insertInto('credit_notes').values(row).execute();
    await settleIfDone(tx, invoice.id, 'credit_note', today, at);
    return row;
  });
  try {
    await refreshStanding(deps, account.id, today);
  } catch (err) {
    log.error({ err, accountId: account.id }, 'refreshing the standing after a credit note failed');
  }
  return note;
}
