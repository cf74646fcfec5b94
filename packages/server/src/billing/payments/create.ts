import type { Schema } from '../../http/contract.js';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../errors.js';
import type { AuthContext } from '../../http/auth.js';
import { newId } from '../../ids.js';
import type { InvoicesTable, PaymentsTable } from '../../store/schema.js';
import { refreshStanding } from '../engine/index.js';
import { amountDue } from '../invoices/serialize.js';
import { checkDate } from '../subscriptions/dates.js';
import { billingToday } from '../today.js';
import { managedInvoice, notOpen } from './invoice-access.js';
import { settleIfDone } from './settle.js';

export type PaymentCreate = Schema<'PaymentCreate'>;

function exceeds(invoice: InvoicesTable, amount: number): ProblemError {
  return new ProblemError(
    'payment_exceeds_balance',
    `Invoice ${invoice.number} asks for ${amountDue(invoice)} more (minor units of ${invoice.currency}); a payment of ${amount} is more than that.`,
    { param: '/body/amount' },
  );
}

/**
 * Records a bank transfer against an invoice (terms 7.2): partial payments allowed, never more than is
 * due, never dated after today on the account's clock. The update is conditional on the balance, so two
 * payments at once cannot overpay. Paying the rest closes the invoice; the standing is re-evaluated after.
 */
export async function recordPayment(deps: Deps, auth: AuthContext, body: PaymentCreate, log: FastifyBaseLogger): Promise<PaymentsTable> {
  const given = body.received_on === undefined ? undefined : checkDate(body.received_on, '/body/received_on');
  const { invoice, account } = await managedInvoice(deps, auth, body.invoice, 'record a payment');
  if (invoice.status !== 'open') throw notOpen(invoice);
  const today = await billingToday(deps.db, account, deps.clock);
  const receivedOn = given ?? today;
  if (receivedOn > today) {
    throw new ProblemError('payment_in_future', `received_on ${receivedOn} is after today (${today} on the account's clock).`, { param: '/body/received_on' });
  }
  if (body.amount > amountDue(invoice)) throw exceeds(invoice, body.amount);
  const at = deps.clock.now();
  const row: PaymentsTable = {
    id: newId('payment', at),
    account_id: invoice.account_id,
    invoice_id: invoice.id,
    amount: body.amount,
    currency: invoice.currency,
    received_on: receivedOn,
    reference: body.reference ?? null,
    created_at: iso(at),
  };
  await deps.db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('invoices')
      .set((eb) => ({ amount_paid: eb('amount_paid', '+', body.amount), updated_at: iso(at) }))
      .where('id', '=', invoice.id)
      .where('status', '=', 'open')
      .where(sql<number>`total - amount_paid - amount_credited`, '>=', body.amount)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      const now = await tx.selectFrom('invoices').selectAll().where('id', '=', invoice.id).executeTakeFirstOrThrow();
      throw now.status === 'open' ? exceeds(now, body.amount) : notOpen(now);
    }
    await tx.insertInto('payments').values(row).execute();
    await settleIfDone(tx, invoice.id, 'payment', today, at);
  });
  try {
    await refreshStanding(deps, account.id, today);
  } catch (err) {
    log.error({ err, accountId: account.id }, 'refreshing the standing after a payment failed');
  }
  return row;
}
