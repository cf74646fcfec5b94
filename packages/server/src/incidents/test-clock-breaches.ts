import type { SlaEvaluation } from '@prolope/rules';
import { loadOverrides } from '../billing/overrides-store.js';
import { announceBreaches, type BreachJobDeps } from './breach-job.js';
import { computeSla } from './sla.js';
import { runningIncidents } from './store.js';

const BATCH = 200;

/**
 * Runs the breach job for the incidents of test accounts whose clock moved from `from` to `to`. The live
 * job (breach-job.ts) leaves them alone, because their time is the clock's. Each target that came due in
 * between is announced at its own moment, as the live job would have announced it: the SLA is evaluated at
 * its `next_breach_at` (1 ms past the due time), so `breached_by_seconds` is 1, not the whole jump. A breach
 * already due at `from` (an advance that crashed before announcing) is announced there. Each announcement
 * has its own transaction, and the (incident, target) key makes a second advance or a concurrent one
 * announce nothing twice. Returns how many breaches it announced.
 */
export async function announceTestClockBreaches(deps: BreachJobDeps, accountIds: readonly string[], from: Date, to: Date): Promise<number> {
  if (accountIds.length === 0) return 0;
  const overrides = await loadOverrides(deps.db);
  let announced = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await runningIncidents(deps.db, after, BATCH, accountIds);
    for (const row of rows) {
      let at: Date | null = from;
      while (at && at.getTime() <= to.getTime()) {
        const evaluation: SlaEvaluation | null = computeSla(row, at, overrides).evaluation;
        if (!evaluation) break;
        const moment: Date = at;
        if (evaluation.breached.length > 0) {
          announced += await deps.db.transaction().execute((tx) => announceBreaches(tx, row, moment, overrides, deps.clock.now()));
        }
        at = evaluation.next_breach_at;
      }
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]?.id;
  }
  return announced;
}
