import { loadOverrides } from '../billing/overrides-store.js';
import { type CalendarOverrides, SLA_TARGETS } from '@prolope/rules';
import { type Clock, iso } from '../clock.js';
import { recordEvent } from '../events/outbox.js';
import type { Db, Tx } from '../store/db.js';
import { CUSTOMER, type IncidentRow, toIncident } from './incident.js';
import { computeSla } from './sla.js';
import { runningIncidents } from './store.js';

export interface BreachJobOptions {
  /** false: no timer; the caller drives it with tick() (tests with a manual clock). Default true. */
  loop?: boolean;
  /** The longest sleep between two ticks, so incidents opened by other processes are seen. Default 60 s. */
  maxSleepMs?: number;
}

export interface BreachJob {
  /** Announces every target breached at the clock's now and not announced yet; resolves with how many it announced. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export interface BreachJobDeps {
  db: Db;
  clock: Clock;
  log?: { error(obj: unknown, msg?: string): void } | undefined;
}

const BATCH = 200;
/** Never spin: even with a breach due in 1 ms, sleep at least this long. */
const MIN_SLEEP_MS = 250;

/**
 * Records `incident.sla_breached` for each target of `row` breached at `now` (still open past due, or met
 * late) that was not announced yet, in the caller's transaction. `now` is the account's time (a test
 * account's is its test clock's); the event is recorded at `recordedAt`, the server's time, as billing's
 * are. The `incident_breaches` primary key (incident, target) makes it once per target: the insert does
 * nothing when another worker (or an earlier tick) got there first, and the event is recorded only when
 * this insert added the row.
 */
export async function announceBreaches(tx: Tx, row: IncidentRow, now: Date, overrides: CalendarOverrides, recordedAt: Date = now): Promise<number> {
  const { evaluation } = computeSla(row, now, overrides);
  if (!evaluation) return 0;
  let announced = 0;
  let object: ReturnType<typeof toIncident> | undefined;
  for (const target of SLA_TARGETS) {
    const status = evaluation.targets[target];
    if (status.state !== 'breached' && status.state !== 'met_late') continue;
    const result = await tx
      .insertInto('incident_breaches')
      .values({ incident_id: row.id, target, account_id: row.account_id, due_at: iso(status.due_at), notified_at: iso(now) })
      .onConflict((oc) => oc.columns(['incident_id', 'target']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
    object ??= toIncident(row, now, overrides, CUSTOMER);
    const lateMs = status.state === 'breached' ? status.overdue_ms : status.late_by_ms;
    await recordEvent(tx, {
      accountId: row.account_id,
      type: 'incident.sla_breached',
      object,
      data: { target, due_at: iso(status.due_at), breached_by_seconds: Math.ceil(lateMs / 1000) },
      at: recordedAt,
    });
    announced++;
  }
  return announced;
}

/**
 * The breach job: looks at every running incident (started, not resolved or closed; resolving and the other
 * transitions announce a late target themselves, in their own transaction) and announces new breaches.
 * Test accounts' incidents are left to their test clocks (test-clock-breaches.ts): their time is not ours.
 * The loop sleeps until the earliest `next_breach_at` of the incidents it saw, at most `maxSleepMs` (so an
 * incident opened by another process sharing PostgreSQL is seen within a minute; the shortest target is an
 * hour), at least 250 ms.
 */
export function startBreachJob(deps: BreachJobDeps, options: BreachJobOptions = {}): BreachJob {
  const loop = options.loop ?? true;
  const maxSleepMs = options.maxSleepMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function scan(): Promise<{ announced: number; next: number | null }> {
    const now = deps.clock.now();
    const overrides = await loadOverrides(deps.db);
    let announced = 0;
    let next: number | null = null;
    let after: string | undefined;
    for (;;) {
      const rows = await runningIncidents(deps.db, after, BATCH);
      for (const row of rows) {
        const { evaluation } = computeSla(row, now, overrides);
        if (!evaluation) continue;
        const nextMs = evaluation.next_breach_at?.getTime() ?? null;
        if (nextMs !== null && (next === null || nextMs < next)) next = nextMs;
        if (evaluation.breached.length === 0) continue;
        announced += await deps.db.transaction().execute((tx) => announceBreaches(tx, row, now, overrides));
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]?.id;
    }
    return { announced, next };
  }

  const schedule = (ms: number) => {
    if (!loop || stopped) return;
    timer = setTimeout(run, Math.min(maxSleepMs, Math.max(MIN_SLEEP_MS, ms)));
    timer.unref();
  };
  const run = async () => {
    timer = undefined;
    const p = scan();
    running = p;
    try {
      const { next } = await p;
      schedule(next === null ? maxSleepMs : next - deps.clock.now().getTime());
    } catch (err) {
      deps.log?.error({ err }, 'incident breach job failed; trying again in a minute');
      schedule(maxSleepMs);
    } finally {
      running = undefined;
    }
  };
  schedule(0);

  return {
    async tick() {
      return (await scan()).announced;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
