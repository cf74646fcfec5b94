import { type Insertable, sql } from 'kysely';
import { iso } from '../../clock.js';
import { newId } from '../../ids.js';
import type { Db, StoreKind, Tx } from '../../store/db.js';
import type { EventAttemptsTable } from '../../store/schema.js';
import { toEndpoint } from '../../webhook-endpoints/endpoint.js';
import { isCallSubscription } from '../call-subscriptions.js';
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
    // A status callback is never marked failing nor disabled: its deliveries just use up their tries.
    const subscription = isCallSubscription(delivery.endpoint_id);
    const readEndpoint = async (lock: boolean) =>
      subscription
        ? { status: 'enabled', failing_since: null }
        : tx
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
    if (subscription) outcome = { ...outcome, endpoint: 'keep' };
    else if (outcome.endpoint !== 'keep') outcome = decide(await readEndpoint(true));
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
    // A status callback's later deliveries wait behind this one (claim.ts): not due before its retry,
    // so they stay out of the worker's scan for due rows instead of crowding it until then.
    if (subscription && outcome.delivery === 'pending' && next) {
      await tx
        .updateTable('event_deliveries')
        .set({ next_attempt_at: next, updated_at: at })
        .where('endpoint_id', '=', delivery.endpoint_id)
        .where('status', '=', 'pending')
        .where('id', '!=', delivery.id)
        .where('next_attempt_at', '<', next)
        .execute();
    }
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

/** A successful try waiting to be recorded with others. */
export interface Success {
  delivery: DeliveryRow;
  result: SendResult;
  /** When the try ended: the attempt's created_at. */
  now: Date;
}

/**
 * Records successful tries in one transaction: what settleAttempt does for each, with one statement
 * for the lot on PostgreSQL (a few on SQLite) instead of several per try, since under load the round trips to the store,
 * not the CPU, bound how many deliveries go out. A success's outcome depends on its endpoint only
 * through failing_since (cleared if set), so the endpoints are read once for the whole batch.
 *
 * Locks: the batch's endpoints first, in id order, then its deliveries, as settleAttempt does for a
 * try that changes its endpoint. A batch holds several delivery rows, so without the endpoint lock a
 * disable dropping that endpoint's pending rows could take some of them while the batch takes others,
 * and each would wait for the other. FOR NO KEY UPDATE rather than FOR UPDATE: new deliveries for the
 * endpoint (a foreign key, FOR KEY SHARE) go on being written meanwhile. Taking the strong lock at
 * once, not a shared one, means two batches never both hold one and then both wait to clear failing_since.
 */
export async function settleSuccesses(db: Db, kind: StoreKind, batch: readonly Success[]): Promise<void> {
  if (batch.length === 0) return;
  const endpointIds = [...new Set(batch.map((s) => s.delivery.endpoint_id))].sort();
  const attempts = batch.map(({ delivery, result, now }) => ({
    id: newId('attempt', now),
    account_id: delivery.account_id,
    event_id: delivery.event_id,
    endpoint_id: delivery.endpoint_id,
    delivery_id: delivery.id,
    attempt: delivery.attempts + 1,
    status: 'succeeded' as const,
    response_status: result.responseStatus,
    latency_ms: result.latencyMs,
    response_snippet: result.snippet,
    error: result.error,
    next_attempt_at: null,
    created_at: iso(now),
  }));
  if (kind === 'postgres') return settleSuccessesInOneStatement(db, endpointIds, batch, attempts);
  // SQLite keeps a transaction of a few statements: it has no data-modifying CTE to fold them into, and
  // its statements are calls into this process, not round trips, so one statement would save little.
  await db.transaction().execute(async (tx) => {
    const endpoints = await tx.selectFrom('webhook_endpoints').select(['id', 'failing_since']).where('id', 'in', endpointIds).execute();
    const failing = endpoints.filter((e) => e.failing_since !== null).map((e) => e.id);
    if (failing.length > 0) {
      await tx.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', 'in', failing).where('failing_since', 'is not', null).execute();
    }
    await tx.insertInto('event_attempts').values(attempts).execute();
    // One update per distinct try count (nearly always one: first tries), since attempts is set, not
    // incremented, as settleAttempt does; next_attempt_at stays as it was.
    const byTries = new Map<number, Success[]>();
    for (const s of batch) {
      const tries = s.delivery.attempts + 1;
      byTries.set(tries, [...(byTries.get(tries) ?? []), s]);
    }
    for (const [tries, group] of byTries) {
      const last = new Date(Math.max(...group.map((s) => s.now.getTime())));
      await tx
        .updateTable('event_deliveries')
        .set({ status: 'succeeded', attempts: tries, locked_until: null, updated_at: iso(last) })
        .where(
          'id',
          'in',
          group.map((s) => s.delivery.id),
        )
        .execute();
    }
  });
}

/**
 * PostgreSQL: the batch in ONE statement, with no BEGIN and COMMIT around it (a statement is a
 * transaction of its own): each statement is a round trip and a socket write in this process, which
 * the bench/webhooks profile showed among the largest costs per delivery. Four statements per batch
 * before (BEGIN, the endpoint lock, the write, COMMIT), and one more when an endpoint was failing.
 *
 * - `locked` takes the endpoint locks in id order. Its set_config(..., true) is SET LOCAL for this
 *   statement's own transaction, still in force when it commits: not waiting for the WAL flush is safe
 *   here and only here (a PostgreSQL crash can lose the last few hundred ms of such commits, and a lost
 *   success record means the delivery goes out again, which at-least-once allows).
 * - `cleared` clears failing_since of the endpoints `locked` read as failing (rows this statement has
 *   locked, so no one changes them in between).
 * - `attempts` inserts the attempt rows; a data-modifying CTE runs exactly once, read or not.
 * - the update sets each delivery's own try count and time, from arrays unnested into rows (three
 *   parameters whatever the batch's size). Its `(select count(*) from locked) >= 0` is true whatever
 *   the count: it makes the update's plan read all of `locked` (a one-time filter, run before any row
 *   is fetched) before it touches a delivery, so the lock order stays endpoints first, then deliveries.
 */
async function settleSuccessesInOneStatement(
  db: Db,
  endpointIds: string[],
  batch: readonly Success[],
  attempts: Insertable<EventAttemptsTable>[],
): Promise<void> {
  const ids = batch.map((s) => s.delivery.id);
  const tries = batch.map((s) => s.delivery.attempts + 1);
  const times = batch.map((s) => iso(s.now));
  await db
    .with('locked', (qc) =>
      qc
        .selectFrom('webhook_endpoints')
        .select(['id', 'failing_since', sql<string>`set_config('synchronous_commit', 'off', true)`.as('commit_mode')])
        .where('id', 'in', endpointIds)
        .orderBy('id')
        .forNoKeyUpdate(),
    )
    .with('cleared', (qc) =>
      qc
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .from('locked')
        .whereRef('webhook_endpoints.id', '=', 'locked.id')
        .where('locked.failing_since', 'is not', null),
    )
    .with('attempts', (qc) => qc.insertInto('event_attempts').values(attempts))
    .updateTable('event_deliveries')
    .from(
      sql<{ id: string; attempts: number; updated_at: string }>`unnest(${ids}::text[], ${tries}::int[], ${times}::text[])`.as<'done'>(
        sql`done(id, attempts, updated_at)`,
      ),
    )
    .set((eb) => ({ status: 'succeeded', attempts: eb.ref('done.attempts'), locked_until: null, updated_at: eb.ref('done.updated_at') }))
    .whereRef('event_deliveries.id', '=', 'done.id')
    .where(sql<number>`(select count(*) from locked)`, '>=', 0)
    .execute();
}
