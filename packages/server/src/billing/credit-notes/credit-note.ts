import type { Schema } from '../../http/contract.js';
import type { CreditNotesTable } from '../../store/schema.js';

export function toCreditNote(row: CreditNotesTable): Schema<'CreditNote'> {
  return {
    id: row.id,
    object: 'credit_note' as const,
    account_id: row.account_id,
    invoice_id: row.invoice_id,
    number: row.number,
    amount: row.amount,
    subtotal: row.subtotal,
    vat: row.vat,
    reason: row.reason,
    issue_date: row.issue_date,
    created_at: row.created_at,
  };
}
