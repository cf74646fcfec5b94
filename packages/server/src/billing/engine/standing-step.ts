import { type CalendarOverrides, type LocalDate, type Standing, standingOn } from '@prolope/rules';
import { toAccount } from '../../accounts/service.js';
import { iso } from '../../clock.js';
import { recordEvent } from '../../events/outbox.js';
import type { Tx } from '../../store/db.js';
import type { AccountsTable } from '../../store/schema.js';
import { amountDue } from '../invoices/serialize.js';
import { terminateInTx } from './termination.js';

/** Due date of the oldest invoice with anything left to pay, or null. */
export async function oldestUnpaidDueDate(tx: Tx, accountId: string): Promise<LocalDate | null> {
  const open = await tx
    .selectFrom('invoices')
    .select(['due_date', 'total', 'amount_paid', 'amount_credited'])
    .where('account_id', '=', accountId)
    .where('status', '=', 'open')
    .orderBy('due_date')
    .execute();
  return (open.find((row) => amountDue(row) > 0)?.due_date as LocalDate | undefined) ?? null;
}

/**
 * The standing the account should have on `day` (terms 7.2), from its current one:
 * - termination is final (13.3);
 * - holds stop the automatic steps, they do not undo one: a suspended account whose suspension the
 *   operator then holds stays suspended until it pays (the hold keeps it from being suspended, not a
 *   way to reinstate an account that still owes; paying everything reinstates it).
 */
export function nextStanding(account: AccountsTable, computed: Standing): Standing {
  const current = account.status as Standing;
  if (current === 'terminated') return current;
  if (current === 'suspended' && computed === 'past_due' && account.hold_suspension === 1) return current;
  return computed;
}

/**
 * Step 5: re-evaluates the account's standing on `day` and applies a change: `account.suspended`,
 * `account.reinstated` (suspended → active), or termination for non-payment (`terminateInTx`). Returns
 * whether the status changed (the caller drops the key cache after the commit).
 */
export async function applyStanding(tx: Tx, account: AccountsTable, day: LocalDate, at: Date, overrides: CalendarOverrides): Promise<boolean> {
  const computed = standingOn(day, {
    oldestUnpaidDueDate: await oldestUnpaidDueDate(tx, account.id),
    holds: { suspension: account.hold_suspension === 1, termination: account.hold_termination === 1 },
    terminatedOn: account.terminated_on as LocalDate | null,
  });
  const next = nextStanding(account, computed);
  if (next === account.status) return false;
  if (next === 'terminated') {
    await terminateInTx(tx, account, day, { kind: 'non_payment' }, at, overrides);
    return true;
  }
  const updated: AccountsTable = { ...account, status: next, updated_at: iso(at) };
  await tx.updateTable('accounts').set({ status: next, updated_at: updated.updated_at }).where('id', '=', account.id).execute();
  if (next === 'suspended') {
    await recordEvent(tx, { accountId: account.id, type: 'account.suspended', object: toAccount(updated), at });
  } else if (next === 'active' && account.status === 'suspended') {
    await recordEvent(tx, { accountId: account.id, type: 'account.reinstated', object: toAccount(updated), at });
  }
  return true;
}
