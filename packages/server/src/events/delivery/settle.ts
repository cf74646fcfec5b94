import { iso } from '../../clock.js';
import { newId } from '../../ids.js';
import type { Db, StoreKind, Tx } from '../../store/db.js';
import { toEndpoint } from '../../webhook-endpoints/endpoint.js';
import { recordEvent } from '../outbox.js';
import type { DeliveryRow } from './claim.js';
import { decideOutcome, type Outcome } from './outcome.js';
import type { SendResult } from './send.js';

/**
 * Records one try in one transaction: the attempt row, the delivery's new state (done, or pending
 * again with its next time and its lock released), and what it means for the endpoint. Deciding
 * from the endpoint as read here, not as it was at claim time, means a disable by its owner or by
 * another worker meanwhile is seen.
 */
export async function settleAttempt(db: Db, kind: StoreKind, delivery: DeliveryRow, result: SendResult, now: Date, random: () => number): Promise<Outcome> {
  return db.transaction().execute(async (tx) => {
    const readEndpoint = (lock: boolean) =>
      tx
        .selectFrom('webhook_endpoints')
        .select(['status', 'failing_since'])
        .where('id', '=', delivery.endpoint_id)
        .$if(lock && kind === 'postgres', (q) => q.forUpdate())
        .executeTakeFirst();
    const tries = delivery.attempts + 1;
    const decide = (endpoint: { status: string; failing_since: string | null } | undefined) =>
      decideOutcome({
        tries,
        responseStatus: result.responseStatus,
        retryAfter: result.retryAfter,
        // Deleted meanwhile: its deliveries went with it, so there is nothing to retry.
        endpoint: { status: endpoint?.status ?? 'deleted', failingSince: endpoint?.failing_since ?? null },
        now,
        random,
      });
    let outcome = decide(await readEndpoint(false));
    // A try that changes the endpoint locks its row first, before any delivery row, and decides
    // again on what it then reads. Settles of one endpoint thus take their locks in one order (the
    // endpoint, then deliveries): a disable dropping the endpoint's pending rows cannot deadlock with
    // a settle that holds one of them and waits for the endpoint. Most tries (a success on a healthy
    // endpoint, a retry on one already failing) leave the endpoint alone and never wait for it.
    if (outcome.endpoint !== 'keep') outcome = decide(await readEndpoint(true));
    await changeEndpoint(tx, delivery, outcome, now);
    const at = iso(now);
    const next = outcome.nextAttemptAt ? iso(outcome.nextAttemptAt) : null;
    await tx
      .insertInto('event_attempts')
      .values({
        id: newId('attempt', now),
        account_id: delivery.account_id,
        event_id: delivery.event_id,
        endpoint_id: delivery.endpoint_id,
        delivery_id: delivery.id,
        attempt: tries,
        status: outcome.attempt,
        response_status: result.responseStatus,
        latency_ms: result.latencyMs,
        response_snippet: result.snippet,
        error: result.error,
        next_attempt_at: next,
        created_at: at,
      })
      .execute();
    await tx
      .updateTable('event_deliveries')
      .set({ status: outcome.delivery, attempts: tries, next_attempt_at: next ?? delivery.next_attempt_at, locked_until: null, updated_at: at })
      .where('id', '=', delivery.id)
      .execute();
    return outcome;
  });
}

async function changeEndpoint(tx: Tx, delivery: DeliveryRow, outcome: Outcome, now: Date): Promise<void> {
  const at = iso(now);
  const id = delivery.endpoint_id;
  switch (outcome.endpoint) {
    case 'keep':
      return;
    // Both conditional, so concurrent tries settle without undoing each other's first failure.
    case 'clear_failing':
      await tx.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', id).where('failing_since', 'is not', null).execute();
      return;
    case 'mark_failing':
      await tx.updateTable('webhook_endpoints').set({ failing_since: at }).where('id', '=', id).where('failing_since', 'is', null).execute();
      return;
    case 'disable_gone':
    case 'disable_failing': {
      // Only the worker whose update flips the status records the event: two workers seeing the
      // 410 at once disable the endpoint once.
      const row = await tx
        .updateTable('webhook_endpoints')
        .set({ status: 'disabled', disabled_reason: outcome.endpoint === 'disable_gone' ? 'gone' : 'failing', updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'enabled')
        .returningAll()
        .executeTakeFirst();
      if (!row) return;
      // `dropped`, not `failed`: they were never tried, and recover sends them once the endpoint is enabled again.
      await tx
        .updateTable('event_deliveries')
        .set({ status: 'dropped', locked_until: null, updated_at: at })
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .where('id', '!=', delivery.id)
        .execute();
      // Written after the endpoint is disabled, so the outbox gives it a `dropped` row and the account's other endpoints a pending one.
      await recordEvent(tx, { accountId: row.account_id, type: 'webhook_endpoint.disabled', object: toEndpoint(row), at: now });
      return;
    }
  }
}
