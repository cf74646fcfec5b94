import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { AuthContext } from '../http/auth.js';
import { assignPortedNumbers } from '../numbers/service.js';
import { ownedBy, readableBy } from './access.js';
import { findPort, hasDocumentOfKind, type PortRow, updatePortIfStatus } from './store.js';
import { changedMeanwhile, nextStatus, type PortAction, type PortStatus, transitionRules } from './transitions.js';
import type { HistoryEntry, NumberPort } from './view.js';
import { viewOf } from './view.js';

export interface TransitionDetails {
  /** set_foc: the date the losing carrier committed to. */
  focDate?: string;
  /** reject: why, as the customer will read it. */
  reason?: string;
}

/**
 * Moves a request to its next status. The change, its history entry, the numbers' assignment (on
 * complete) and the `number_port.updated` event for the request's own account commit together or
 * not at all.
 */
export async function transitionPort(deps: Deps, auth: AuthContext, id: string, action: PortAction, details: TransitionDetails = {}): Promise<NumberPort> {
  // Operator actions reach every account's requests; customer actions only the caller's.
  const owner = transitionRules[action].by === 'operator' ? readableBy(auth) : ownedBy(auth);
  const now = deps.clock.now();
  const at = iso(now);
  return deps.db.transaction().execute(async (tx) => {
    const row = await findPort(tx, owner, id);
    if (!row) throw notFound('porting request', id);
    // Only submit depends on the documents; the other actions skip the query.
    const facts = { hasLetterOfAuthorization: action === 'submit' && (await hasDocumentOfKind(tx, id, 'letter_of_authorization')) };
    const to = nextStatus(row.status as PortStatus, action, facts);

    const entry: HistoryEntry = { status: to, at, ...(details.reason !== undefined ? { reason: details.reason } : {}) };
    const patch: Partial<PortRow> = {
      status: to,
      history: JSON.stringify([...(JSON.parse(row.history) as HistoryEntry[]), entry]),
      updated_at: at,
      ...(details.focDate !== undefined ? { foc_date: details.focDate } : {}),
      ...(details.reason !== undefined ? { rejection_reason: details.reason } : {}),
    };
    if (!(await updatePortIfStatus(tx, id, row.status, patch))) {
      // Another request moved it first: judge this action against what it is now.
      const fresh = await findPort(tx, owner, id);
      nextStatus((fresh?.status ?? row.status) as PortStatus, action, facts);
      throw changedMeanwhile();
    }
    // Throws number_already_held if another account got one of the numbers since the draft;
    // the transaction then rolls back and the request stays foc_set.
    if (action === 'complete') await assignPortedNumbers(tx, deps.secrets, row.account_id, JSON.parse(row.numbers) as string[], now);

    const port = await viewOf(tx, { ...row, ...patch });
    await recordEvent(tx, { accountId: row.account_id, type: 'number_port.updated', object: port, at: now });
    return port;
  });
}
