import type { Schema } from '../http/contract.js';
import {
  type CalendarOverrides,
  dueTimes,
  evaluateSla,
  isSeverity,
  SEVERITY_RULES,
  SLA_TARGETS,
  type SlaEvaluation,
  type SlaTarget,
  type TargetStatus,
} from '@prolope/rules';
import { iso } from '../clock.js';
import type { IncidentsTable } from '../store/schema.js';

export type SlaTargetView = Schema<'SlaTarget'>;

export type IncidentSla = Schema<'IncidentSla'>;

/** The stored time that meets each target: acknowledging is the initial response, mitigating the temporary solution. */
const MET_COLUMN = {
  initial_response: 'acknowledged_at',
  temporary_solution: 'mitigated_at',
  final_resolution: 'resolved_at',
} as const satisfies Record<SlaTarget, keyof IncidentsTable>;

export interface SlaComputation {
  sla: IncidentSla;
  /** Null until the clock starts (no complete description yet). */
  evaluation: SlaEvaluation | null;
}

const date = (s: string | null): Date | null => (s === null ? null : new Date(s));
const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * The `sla` block of an incident at `now`, from the pure rules of `sla/`: due times from the complete
 * description (terms 6.3) on the severity's clock, and where each target stands. Only what happened is stored
 * (acknowledged_at, mitigated_at, resolved_at); a later stage meets the earlier ones here (`evaluateSla`).
 */
export function computeSla(row: IncidentsTable, now: Date, overrides: CalendarOverrides): SlaComputation {
  if (!isSeverity(row.severity)) throw new Error(`incident ${row.id} has an unknown severity ${row.severity}`);
  const clock = SEVERITY_RULES[row.severity].clock === 'around_the_clock' ? '24x7' : 'support_hours';
  const metAt = Object.fromEntries(SLA_TARGETS.map((t) => [t, date(row[MET_COLUMN[t]])])) as Record<SlaTarget, Date | null>;
  const started = row.description_completed_at;
  if (started === null) {
    // Nothing is due before the description is complete; what was done is still shown (a later stage meets the earlier).
    const nowMs = now.getTime();
    const view = (index: number): SlaTargetView => {
      const times = SLA_TARGETS.slice(index)
        .map((t) => metAt[t]?.getTime() ?? null)
        .filter((ms): ms is number => ms !== null && ms <= nowMs);
      return { due_at: null, met_at: times.length ? iso(new Date(Math.min(...times))) : null, state: 'not_started', breached_by_seconds: 0 };
    };
    return { sla: { clock, started_at: null, initial_response: view(0), temporary_solution: view(1), final_resolution: view(2) }, evaluation: null };
  }
  const evaluation = evaluateSla({ due: dueTimes(row.severity, new Date(started), overrides), metAt, now });
  const view = (s: TargetStatus): SlaTargetView => {
    const due_at = iso(s.due_at);
    switch (s.state) {
      case 'pending':
        return { due_at, met_at: null, state: 'pending', breached_by_seconds: 0 };
      case 'met':
        return { due_at, met_at: iso(s.met_at), state: 'met', breached_by_seconds: 0 };
      case 'met_late':
        return { due_at, met_at: iso(s.met_at), state: 'breached', breached_by_seconds: seconds(s.late_by_ms) };
      case 'breached':
        return { due_at, met_at: null, state: 'breached', breached_by_seconds: seconds(s.overdue_ms) };
    }
  };
  const t = evaluation.targets;
  return {
    sla: {
      clock,
      started_at: iso(new Date(started)),
      initial_response: view(t.initial_response),
      temporary_solution: view(t.temporary_solution),
      final_resolution: view(t.final_resolution),
    },
    evaluation,
  };
}

/** Whether any target is breached (missed, still open past due, or met late). */
export function anyBreached(sla: IncidentSla): boolean {
  return SLA_TARGETS.some((t) => sla[t].state === 'breached');
}
