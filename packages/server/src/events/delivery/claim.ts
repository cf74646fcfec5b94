import type { ExpressionBuilder } from 'kysely';
import { iso } from '../../clock.js';
import type { Db, StoreKind } from '../../store/db.js';
import type { Database, EventDeliveriesTable, WebhookEndpointsTable } from '../../store/schema.js';

export type DeliveryRow = EventDeliveriesTable;

/** A claimed delivery with its event's stored payload; null when the event is gone (account deletion). */
export type ClaimedRow = DeliveryRow & { payload: string | null };

/** What sending to an endpoint needs of it: where, whether it is still enabled, and how to sign. */
export type ClaimedEndpoint = Pick<WebhookEndpointsTable, 'id' | 'url' | 'status' | 'secret_sealed' | 'previous_secret_sealed' | 'previous_secret_expires_at'>;

/** One claim of an endpoint's deliveries: the rows, and the endpoint as the claim read it (undefined: deleted). */
export interface Claim {
  rows: ClaimedRow[];
  endpoint: ClaimedEndpoint | undefined;
}

/**
 * The endpoints whose deliveries are due and free (unlocked), in the order their oldest waits, so
 * the worker hands out its slots endpoint by endpoint instead of letting one backlog take them all.
 * It reads the first `scan` due rows by the (status, next_attempt_at) index rather than grouping all
 * of them, so a backlog of thousands costs the same per round as a handful; endpoints already at
 * their limit in this worker are skipped, so one behind them in the queue is reached next round.
 */
export async function dueEndpoints(db: Db, now: Date, scan: number, skip: ReadonlySet<string>): Promise<string[]> {
  const at = iso(now);
  const rows = await db
    .selectFrom('event_deliveries')
    .select('endpoint_id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .$if(skip.size > 0, (q) => q.where('endpoint_id', 'not in', [...skip]))
    .orderBy('next_attempt_at')
    .limit(scan)
    .execute();
  return [...new Set(rows.map((r) => r.endpoint_id))];
}

/**
 * Locks up to `n` due deliveries of one endpoint, oldest first, until now + lockMs, and returns them.
 * One statement: on PostgreSQL the inner select takes row locks with SKIP LOCKED, so workers in
 * other processes claiming at the same moment each get different rows and never wait on each
 * other; a row another worker committed a claim on fails `locked_until < now` when rechecked. On
 * SQLite one process owns the file and the statement is atomic by itself. A worker that dies
 * holding rows lets them go when locked_until passes, and they are sent again (at least once).
 *
 * The same statement reads the endpoint (url, status, sealed secrets): a separate read after each
 * claim was a PostgreSQL round trip per claim (bench/webhooks). The subqueries name the endpoint by
 * its id, not by the row, so each runs once per statement (PostgreSQL: an InitPlan), not once per
 * row. They read the endpoint as of the statement's start, so a disable committed before the claim
 * is seen; one committed later is no different from one made just after a separate read.
 */
export async function claimDeliveries(db: Db, kind: StoreKind, endpointId: string, n: number, now: Date, lockMs: number): Promise<Claim> {
  const at = iso(now);
  const endpointColumn = <C extends keyof ClaimedEndpoint & string>(eb: ExpressionBuilder<Database, 'event_deliveries'>, column: C) =>
    eb.selectFrom('webhook_endpoints').select(column).where('webhook_endpoints.id', '=', endpointId).as(`endpoint_${column}`);
  const claimed = await db
    .updateTable('event_deliveries')
    .set({ locked_until: iso(new Date(now.getTime() + lockMs)) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('event_deliveries')
        .select('id')
        .where('endpoint_id', '=', endpointId)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', at)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(n)
        .$if(kind === 'postgres', (q) => q.forUpdate().skipLocked()),
    )
    .returningAll()
    .returning(payloadOf)
    .returning((eb) => [
      endpointColumn(eb, 'url'),
      endpointColumn(eb, 'status'),
      endpointColumn(eb, 'secret_sealed'),
      endpointColumn(eb, 'previous_secret_sealed'),
      endpointColumn(eb, 'previous_secret_expires_at'),
    ])
    .execute();
  const first = claimed[0];
  // status is never null in a stored endpoint: null here means there is none (deleted).
  const endpoint: ClaimedEndpoint | undefined =
    first?.endpoint_status == null
      ? undefined
      : {
          id: endpointId,
          url: first.endpoint_url as string,
          status: first.endpoint_status,
          secret_sealed: first.endpoint_secret_sealed as string,
          previous_secret_sealed: first.endpoint_previous_secret_sealed ?? null,
          previous_secret_expires_at: first.endpoint_previous_secret_expires_at ?? null,
        };
  const rows = claimed.map(
    ({
      endpoint_url: _url,
      endpoint_status: _status,
      endpoint_secret_sealed: _secret,
      endpoint_previous_secret_sealed: _previous,
      endpoint_previous_secret_expires_at: _expires,
      ...row
    }) => row,
  );
  return { rows, endpoint };
}

/**
 * Each claimed row's event payload, read by the claim itself: a separate read of the payloads cost a
 * statement per claim (a round trip, and a PostgreSQL client's socket write, which the bench/webhooks
 * profile showed among the largest costs per delivery). Both stores allow a subquery in RETURNING.
 */
const payloadOf = (eb: ExpressionBuilder<Database, 'event_deliveries'>) =>
  eb.selectFrom('events').select('events.payload').whereRef('events.id', '=', 'event_deliveries.event_id').as('payload');

/**
 * A call subscription's deliveries go one at a time, in the order they were written: only its oldest
 * pending delivery is claimed, and only once due and free, so a later status never overtakes one still
 * in flight or waiting for its retry. The inner select takes no lock (SKIP LOCKED would pass over a
 * head another worker holds and claim the next one): the update re-checks the head's lock instead.
 */
export async function claimHead(db: Db, subscriptionId: string, now: Date, lockMs: number): Promise<ClaimedRow[]> {
  const at = iso(now);
  return db
    .updateTable('event_deliveries')
    .set({ locked_until: iso(new Date(now.getTime() + lockMs)) })
    .where('id', 'in', (eb) =>
      eb.selectFrom('event_deliveries').select('id').where('endpoint_id', '=', subscriptionId).where('status', '=', 'pending').orderBy('id').limit(1),
    )
    .where('next_attempt_at', '<=', at)
    .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', at)]))
    .returningAll()
    .returning(payloadOf)
    .execute();
}
