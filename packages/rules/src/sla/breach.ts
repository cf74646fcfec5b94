import { instantMs } from './instants.js';
import { SLA_TARGETS, type SlaTarget } from './severity.js';
import type { DueTimes } from './due-times.js';

/**
 * Where one target stands at `now`.
 *
 * - `pending`: not met, not yet due (or due exactly now): `remaining_ms` >= 0.
 * - `met`: met at or before its due time; `margin_ms` >= 0 is how early.
 * - `met_late`: met after its due time; `late_by_ms` > 0 is the breach.
 * - `breached`: not met and past its due time; `overdue_ms` > 0 and growing.
 *
 * @example
 * ```ts
 * const status: TargetStatus = evaluateSla({ due, metAt: {}, now }).targets.initial_response;
 * if (status.state === 'breached') console.log(status.overdue_ms);
 * ```
 */
export type TargetStatus =
  | { state: 'pending'; due_at: Date; remaining_ms: number }
  | { state: 'met'; due_at: Date; met_at: Date; margin_ms: number }
  | { state: 'met_late'; due_at: Date; met_at: Date; late_by_ms: number }
  | { state: 'breached'; due_at: Date; overdue_ms: number };

/**
 * What {@link evaluateSla} answers: each target's status and the lists of breached and met targets.
 *
 * @example
 * ```ts
 * const { breached, next_breach_at }: SlaEvaluation = evaluateSla({ due, metAt: {}, now: new Date() });
 * ```
 */
export interface SlaEvaluation {
  targets: Record<SlaTarget, TargetStatus>;
  /** Targets whose due time has been missed, met late or still open, in the order of terms 6.1. */
  breached: SlaTarget[];
  /** Targets met in time. */
  met: SlaTarget[];
  /**
   * The first instant at which a target still pending would be reported breached (its due time + 1 ms), or
   * null when none is pending: what a job sleeps until. It is not the due time itself because a target met
   * exactly at its due time is in time, so waking at the due time would find nothing to report.
   */
  next_breach_at: Date | null;
}

/**
 * The due times of an incident, when its targets were met, and the instant to judge at.
 *
 * @example
 * ```ts
 * const input: SlaEvaluationInput = { due: dueTimes('high', opened), metAt: { initial_response: answered }, now: new Date() };
 * ```
 */
export interface SlaEvaluationInput {
  due: DueTimes;
  /** When each target was met; missing or null when it has not been. */
  metAt: Partial<Record<SlaTarget, Date | null>>;
  now: Date;
}

/**
 * Which targets are met, missed, or still running at `now`.
 *
 * Choices where the terms are silent:
 * - "within 8 hours" includes the 8th hour's last instant: met at exactly the due time is in time, and a
 *   target is breached only strictly after its due time.
 * - A later stage meets the earlier ones: a final resolution is also a temporary solution and a response,
 *   so an incident resolved in 40 minutes with no separate response recorded has met all three at that time.
 * - Times after `now` have not happened yet as of `now` (a test clock behind a recorded time) and are ignored.
 *
 * @example
 * ```ts
 * const due = dueTimes('high', new Date('2026-12-23T15:00:00Z'));
 * const result = evaluateSla({ due, metAt: { initial_response: new Date('2026-12-29T15:00:00Z') }, now: new Date('2026-12-30T00:00:00Z') });
 * result.breached; // ['initial_response'] (met an hour late)
 * ```
 */
export function evaluateSla({ due, metAt, now }: SlaEvaluationInput): SlaEvaluation {
  const nowMs = instantMs(now, 'now');
  const recorded = SLA_TARGETS.map((target) => {
    const at = metAt[target];
    if (at === null || at === undefined) return null;
    const ms = instantMs(at, `metAt.${target}`);
    return ms <= nowMs ? ms : null;
  });

  const targets = {} as Record<SlaTarget, TargetStatus>;
  const breached: SlaTarget[] = [];
  const met: SlaTarget[] = [];
  let next: number | null = null;
  SLA_TARGETS.forEach((target, index) => {
    const dueMs = instantMs(due[target], `due.${target}`);
    const due_at = new Date(dueMs);
    // The earliest time this stage or any later one was met.
    const metMs = recorded.slice(index).reduce<number | null>((min, ms) => (ms !== null && (min === null || ms < min) ? ms : min), null);
    let status: TargetStatus;
    if (metMs !== null && metMs <= dueMs) status = { state: 'met', due_at, met_at: new Date(metMs), margin_ms: dueMs - metMs };
    else if (metMs !== null) status = { state: 'met_late', due_at, met_at: new Date(metMs), late_by_ms: metMs - dueMs };
    else if (nowMs > dueMs) status = { state: 'breached', due_at, overdue_ms: nowMs - dueMs };
    else status = { state: 'pending', due_at, remaining_ms: dueMs - nowMs };
    targets[target] = status;
    if (status.state === 'met') met.push(target);
    else if (status.state !== 'pending') breached.push(target);
    else if (next === null || dueMs + 1 < next) next = dueMs + 1;
  });
  return { targets, breached, met, next_breach_at: next === null ? null : new Date(next) };
}
