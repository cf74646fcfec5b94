import { loadOverrides } from '../billing/overrides-store.js';
import { announceBreaches, type BreachJobDeps } from './breach-job.js';
import { computeSla } from './sla.js';
import { runningIncidents } from './store.js';

const BATCH = 200;

/**
 * Runs the breach job for the incidents of test accounts whose clock moved from `from` to `to`. The live
 * job (breach-job.ts) leaves them alone, because their time is the clock's. Each target that came due in
 * between is announced at its own moment, as the live job would have announced it: the SLA is evaluated at
 * 1 ms past the due time, so `breached_by_seconds` is 1, not the whole jump. Then whatever is breached at
 * `to` is announced too (nothing, unless a row was written at `to`). Each announcement has its own
 * transaction, and the (incident, target) key makes a second advance or a concurrent one announce nothing
 * twice. Returns how many breaches it announced.
 */
export async function announceTestClockBreaches(deps: BreachJobDeps, accountIds: readonly string[], from: Date, to: Date): Promise<number> {
  if (accountIds.length === 0) return 0;
  const overrides = await loadOverrides(deps.db);
  const announce = (row: Parameters<typeof announceBreaches>[1], at: Date) =>
    deps.db.transaction().execute((tx) => announceBreaches(tx, row, at, overrides, deps.clock.now()));
  let announced = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await runningIncidents(deps.db, after, BATCH, accountIds);
    for (const row of rows) {
      // Anything already breached when the clock stood at `from` (written by an older server) goes first.
      let at = from;
      announced += await announce(row, at);
      for (;;) {
        const next = computeSla(row, at, overrides).evaluation?.next_breach_at;
        if (!next || next.getTime() > to.getTime()) break;
        at = next;
        announced += await announce(row, at);
      }
      announced += await announce(row, to);
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]?.id;
  }
  return announced;
}
