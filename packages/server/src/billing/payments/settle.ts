import { iso } from '../../clock.js';
import type { LocalDate } from '@prolope/rules';
import { recordEvent } from '../../events/outbox.js';
import type { Tx } from '../../store/db.js';
import type { InvoicesTable } from '../../store/schema.js';
import { amountDue, loadInvoiceObject } from '../invoices/serialize.js';

/**
 * After a payment or a credit note, inside its transaction: an invoice with nothing left due is closed.
 * Cancelled entirely by credit notes (nothing paid) it is `void`; otherwise `paid`, on the day the last
 * money arrived (or today when a credit note settled the rest), with `invoice.paid`.
 */
export async function settleIfDone(tx: Tx, id: string, by: 'payment' | 'credit_note', today: LocalDate, at: Date): Promise<InvoicesTable> {
  const now = iso(at);
  const row = await tx.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  if (row.status !== 'open' || amountDue(row) > 0) return row;
  if (row.amount_paid === 0) {
    const patch = { status: 'void', updated_at: now };
    await tx.updateTable('invoices').set(patch).where('id', '=', id).execute();
    return { ...row, ...patch };
  }
  const last = await tx.selectFrom('payments').select('received_on').where('invoice_id', '=', id).orderBy('received_on', 'desc').executeTakeFirst();
  // Paid when the last money arrived (a payment may be dated back); a credit note closes it today.
  const paidOn = by === 'payment' && last ? last.received_on : today;
  const patch = { status: 'paid', paid_on: paidOn, updated_at: now };
  await tx.updateTable('invoices').set(patch).where('id', '=', id).execute();
  const paid = { ...row, ...patch };
  await recordEvent(tx, { accountId: row.account_id, type: 'invoice.paid', object: await loadInvoiceObject(tx, paid, today), at });
  return paid;
}
