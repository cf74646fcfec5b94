import { defineHandlers } from '../http/typed-handlers.js';
import { accountPage } from '../store/account-page.js';
import type { LocalDate } from '@prolope/rules';
import type { AccountsTable } from '../store/schema.js';
import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { readableAccount } from './access.js';
import { toCreditNote } from './credit-notes/credit-note.js';
import { issueCreditNote } from './credit-notes/create.js';
import { loadInvoiceObject } from './invoices/serialize.js';
import { recordPayment } from './payments/create.js';
import { readableInvoice } from './payments/invoice-access.js';
import { toPayment } from './payments/payment.js';
import { billingToday } from './today.js';

/**
 * The day penalties and days overdue are shown as of: today, or the termination day once the agreement
 * ended. The termination invoice billed the penalty accrued until then (terms 13.3: fees accrued through
 * the termination date), so the live figure stops there too.
 */
function accrualDay(account: Pick<AccountsTable, 'terminated_on'>, today: LocalDate): LocalDate {
  return account.terminated_on && account.terminated_on < today ? (account.terminated_on as LocalDate) : today;
}

export function invoiceRoutes(deps: Deps): Handlers {
  return defineHandlers({
    // Penalty and days overdue are as of the account's billing day, so they follow its test clock.
    'invoices.list': async (req) => {
      const q = req.query;
      const account = await readableAccount(deps, authOf(req), q.account);
      const today = await billingToday(deps.db, account, deps.clock);
      // Overdue today means days_overdue > 0: open and past its due date.
      const rows = await deps.db
        .selectFrom('invoices')
        .selectAll()
        .where('account_id', '=', account.id)
        .$if(q.status !== undefined, (s) => s.where('status', '=', q.status as string))
        .$if(q.overdue === true, (s) => s.where('status', '=', 'open').where('due_date', '<', today))
        .$if(q.overdue === false, (s) => s.where((eb) => eb.or([eb('status', '!=', 'open'), eb('due_date', '>=', today)])))
        .$if(!!q.starting_after, (s) => s.where('id', '<', q.starting_after as string))
        .orderBy('id', 'desc')
        .limit(limitOf(q) + 1)
        .execute();
      const page = pageOf(rows, limitOf(q));
      const asOf = accrualDay(account, today);
      return { ...page, data: await Promise.all(page.data.map((row) => loadInvoiceObject(deps.db, row, asOf))) };
    },
    'invoices.retrieve': async (req) => {
      const { id } = req.params;
      const { invoice, account } = await readableInvoice(deps, authOf(req), id);
      return loadInvoiceObject(deps.db, invoice, accrualDay(account, await billingToday(deps.db, account, deps.clock)));
    },
    'payments.create': async (req) => {
      const row = await recordPayment(deps, authOf(req), req.body, req.log);
      return toPayment(row);
    },
    'payments.list': async (req) => {
      const q = req.query;
      const account = await readableAccount(deps, authOf(req), q.account);
      const rows = await accountPage(deps.db, 'payments', account.id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toPayment) };
    },
    'creditNotes.create': async (req) => {
      const row = await issueCreditNote(deps, authOf(req), req.body, req.log);
      return toCreditNote(row);
    },
    'creditNotes.list': async (req) => {
      const q = req.query;
      const account = await readableAccount(deps, authOf(req), q.account);
      const rows = await accountPage(deps.db, 'credit_notes', account.id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toCreditNote) };
    },
  });
}
