import type { Deps } from '../../deps.js';
import { notFound, ProblemError } from '../../errors.js';
import type { AuthContext } from '../../http/auth.js';
import type { AccountsTable, InvoicesTable } from '../../store/schema.js';
import { manageableAccount, readableAccount } from '../access.js';

function missing(id: string, param?: string): ProblemError {
  if (!param) return notFound('invoice', id);
  return new ProblemError('invalid_reference', `No invoice ${id} visible to this key (GET /v1/invoices lists them).`, { param });
}

/**
 * An invoice whose account the key may read, with that account. `param` names the body field the id
 * came from: an unknown id there is `invalid_reference`, in the path `not_found`.
 */
export async function readableInvoice(deps: Deps, auth: AuthContext, id: string, param?: string): Promise<{ invoice: InvoicesTable; account: AccountsTable }> {
  const invoice = await deps.db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!invoice) throw missing(id, param);
  try {
    return { invoice, account: await readableAccount(deps, auth, invoice.account_id) };
  } catch (err) {
    if (err instanceof ProblemError && err.code === 'not_found') throw missing(id, param);
    throw err;
  }
}

/** An invoice the key may act on as Prolope (record a payment, issue a credit note): operator or test clock owner. */
export async function managedInvoice(deps: Deps, auth: AuthContext, id: string, what: string): Promise<{ invoice: InvoicesTable; account: AccountsTable }> {
  const { invoice } = await readableInvoice(deps, auth, id, '/body/invoice');
  const account = await manageableAccount(deps, auth, invoice.account_id, what);
  return { invoice, account };
}

export function notOpen(invoice: InvoicesTable): ProblemError {
  return new ProblemError('invoice_not_open', `Invoice ${invoice.number} (${invoice.id}) is ${invoice.status}: nothing is owed on it.`, {
    param: '/body/invoice',
  });
}
