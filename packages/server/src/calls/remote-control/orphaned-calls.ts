import { iso } from '../../clock.js';
import type { Deps } from '../../deps.js';
import { recordEvent } from '../../events/outbox.js';
import { durationSeconds, toCall } from '../call.js';
import type { CallRow } from '../store.js';
import { FINAL_STATUSES } from './final-statuses.js';

/**
 * Marks failed the calls a node held that never ended (it stopped, or restarted and lost them): their
 * media went with the process. `lastSeen` is when the node was last known alive (its last heartbeat),
 * the call's end as far as anyone can tell. One transaction per call with its `call.completed`; the
 * update holds only while the call is still live, so two nodes sweeping at once record it once.
 * Resolves with the calls it failed.
 */
export async function failCallsOf(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, nodeId: string, lastSeen: Date, why: string): Promise<CallRow[]> {
  const live = await deps.db.selectFrom('calls').selectAll().where('node_id', '=', nodeId).where('status', 'not in', FINAL_STATUSES).execute();
  const failed: CallRow[] = [];
  for (const row of live) {
    const now = deps.clock.now();
    const started = new Date(row.answered_at ?? row.created_at);
    const ended = lastSeen > started ? lastSeen : started;
    const next: CallRow = {
      ...row,
      status: 'failed',
      hangup_by: 'system',
      hangup_cause: 'error',
      hangup_reason_code: 'internal_error',
      hangup_reason_message: why,
      ended_at: iso(ended),
      duration_seconds: durationSeconds(row.answered_at, ended),
      updated_at: iso(now),
    };
    const eventId = await deps.db.transaction().execute(async (tx) => {
      const { id: _id, ...patch } = next;
      const updated = await tx.updateTable('calls').set(patch).where('id', '=', row.id).where('status', '=', row.status).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return undefined;
      return recordEvent(tx, { accountId: row.account_id, type: 'call.completed', object: toCall(next), at: now });
    });
    if (!eventId) continue;
    failed.push(next);
  }
  return failed;
}
