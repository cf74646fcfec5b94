import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import type { AuthContext } from '../http/auth.js';
import type { AccountsTable } from '../store/schema.js';

/**
 * Whose billing a key may see: its own account's, a subaccount's (the parent's), or any (the operator).
 * `accountId` is the `account` parameter; omitted, the caller's own account.
 */
export async function readableAccount(deps: Deps, auth: AuthContext, accountId?: string): Promise<AccountsTable> {
  const id = accountId ?? auth.accountId;
  const row = await deps.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('account', id);
  if (row.id === auth.accountId || auth.isOperator || row.parent_account_id === auth.accountId) return row;
  throw notFound('account', id);
}

/** Whether the key may act for Prolope on the account's billing: the operator, or the owner of its test clock. */
export async function mayManage(deps: Deps, auth: AuthContext, account: AccountsTable): Promise<boolean> {
  if (auth.isOperator) return true;
  if (!account.test_clock_id) return false;
  const clock = await deps.db.selectFrom('test_clocks').select('account_id').where('id', '=', account.test_clock_id).executeTakeFirst();
  return clock?.account_id === auth.accountId;
}

/**
 * The account whose billing the key acts on as Prolope would (record a payment, hold a suspension,
 * schedule a price change): the operator on any account; a developer on the test subaccounts attached
 * to its own test clocks, so simulations need no operator key.
 */
export async function manageableAccount(deps: Deps, auth: AuthContext, accountId: string | undefined, what: string): Promise<AccountsTable> {
  const row = await readableAccount(deps, auth, accountId);
  if (await mayManage(deps, auth, row)) return row;
  throw new ProblemError(
    'billing_not_allowed',
    `Only the operator may ${what} on a real account. To simulate it, create a test clock (POST /v1/test-clocks), a subaccount with \`test_clock\`, and ${what} there.`,
  );
}
