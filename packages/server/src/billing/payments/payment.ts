import type { Schema } from '../../http/contract.js';
import type { PaymentsTable } from '../../store/schema.js';

export function toPayment(row: PaymentsTable): Schema<'Payment'> {
  return {
    id: row.id,
    object: 'payment' as const,
    account_id: row.account_id,
    invoice_id: row.invoice_id,
    amount: row.amount,
    currency: row.currency as 'EUR' | 'BGN',
    received_on: row.received_on,
    reference: row.reference,
    created_at: row.created_at,
  };
}
