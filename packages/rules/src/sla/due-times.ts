import { type CalendarOverrides, noOverrides } from '../calendar/index.js';
import { DAY_MS, HOUR_MS, instantMs } from './instants.js';
import { SEVERITY_RULES, type Severity, SLA_TARGETS, type SlaTarget, type TargetDuration } from './severity.js';
import { addSupportMillis, SUPPORT_DAY_HOURS } from './support-hours.js';

/**
 * The due time of each target of terms 6.1.
 *
 * @example
 * ```ts
 * const due: DueTimes = dueTimes('high', new Date('2026-12-23T15:00:00Z'));
 * due.initial_response.toISOString(); // '2026-12-29T14:00:00.000Z'
 * ```
 */
export type DueTimes = Record<SlaTarget, Date>;

/**
 * When one target of a severity is due, counting from `descriptionCompletedAt`.
 *
 * The clock starts at the receipt of the complete written problem description (terms 6.3), not when the
 * ticket was opened: a ticket opened with "it's broken" starts nothing until the description is complete.
 *
 * - Critical: real elapsed time. An hour is 3,600,000 ms and a day 24 such hours, through nights, holidays
 *   and DST changes, so 7 days from 12:00 before the October change ends at 11:00 wall time.
 * - Others: support time (`support-hours.ts`). An hour is a support hour, a day a support day of 9 support
 *   hours (so "3 days" from Wednesday 10:00 is Monday 10:00).
 *
 * @example
 * ```ts
 * dueTime('critical', 'initial_response', new Date('2026-12-23T15:00:00Z')).toISOString(); // '2026-12-23T16:00:00.000Z'
 * ```
 */
export function dueTime(severity: Severity, target: SlaTarget, descriptionCompletedAt: Date, overrides: CalendarOverrides = noOverrides): Date {
  const start = instantMs(descriptionCompletedAt, 'descriptionCompletedAt');
  const rules = SEVERITY_RULES[severity];
  if (!rules) throw new RangeError(`unknown severity: ${JSON.stringify(severity)}`);
  const duration = rules.targets[target];
  if (rules.clock === 'around_the_clock') return new Date(start + realMs(duration));
  return addSupportMillis(descriptionCompletedAt, supportMs(duration), overrides);
}

/**
 * All three due times of a severity (terms 6.1).
 *
 * @example
 * ```ts
 * const due = dueTimes('high', new Date('2026-12-23T15:00:00Z'));
 * due.initial_response.toISOString(); // '2026-12-29T14:00:00.000Z' (16:00 in Sofia)
 * ```
 */
export function dueTimes(severity: Severity, descriptionCompletedAt: Date, overrides: CalendarOverrides = noOverrides): DueTimes {
  const entries = SLA_TARGETS.map((target) => [target, dueTime(severity, target, descriptionCompletedAt, overrides)] as const);
  return Object.fromEntries(entries) as DueTimes;
}

function realMs({ amount, unit }: TargetDuration): number {
  return amount * (unit === 'hours' ? HOUR_MS : DAY_MS);
}

function supportMs({ amount, unit }: TargetDuration): number {
  return amount * (unit === 'hours' ? 1 : SUPPORT_DAY_HOURS) * HOUR_MS;
}
