import { type CalendarOverrides, noOverrides } from '../calendar/index.js';
import { dueTimes } from './due-times.js';
import { isSeverity, SEVERITIES, SEVERITY_RULES, type Severity } from './severity.js';

/**
 * What {@link slaDueTimes} returns; the same object as `GET /v1/sla/due` answers. Times are RFC 3339
 * in UTC (`2026-12-29T14:00:00.000Z`).
 *
 * @example
 * ```ts
 * const { initial_response, temporary_solution, final_resolution }: SlaDue = slaDueTimes('high', new Date());
 * ```
 */
// The API's SlaDue schema, written out (this package depends on nothing); the SDK's typecheck compares
// it with the spec (packages/sdk/src/rules-match-spec.ts).
export interface SlaDue {
  clock: '24x7' | 'support_hours';
  final_resolution: string;
  initial_response: string;
  object: 'sla_due';
  severity: Severity;
  started_at: string;
  temporary_solution: string;
}

// RFC 3339 date-time with a zone (Z or ±hh:mm); `Date.parse` alone would take "Dec 23 2026" in local time.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function startOf(at: Date | string): Date {
  if (at instanceof Date) {
    if (!Number.isFinite(at.getTime())) throw new RangeError('at must be a valid Date');
    return at;
  }
  const ms = typeof at === 'string' && RFC3339.test(at) ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`at must be an RFC 3339 date-time with a zone (2026-12-23T17:00:00+02:00), not ${JSON.stringify(at)}`);
  return new Date(ms);
}

/**
 * The three SLA targets of terms 6.1 for an incident of `severity` whose complete written
 * description arrived at `at`: critical on a 24/7 clock, the others in support hours (weekdays
 * 09:00-18:00 Sofia time on Bulgarian working days; a day is 9 support hours). Pure and offline:
 * the API's `GET /v1/sla/due`, the SDK and `prolope sla due` all answer with this one function.
 *
 * Without `overrides` the statutory calendar is used (holidays, Orthodox Easter, days in lieu); the
 * operator's extra days off and working days (the API's `/v1/calendar/{year}`) can be passed in.
 *
 * @throws RangeError when `severity` is not one of `critical`, `high`, `medium`, `low`, or `at` is not
 *   a valid Date or RFC 3339 date-time.
 *
 * @example
 * ```ts
 * import { slaDueTimes } from '@prolope/sdk';
 *
 * const due = slaDueTimes('high', '2026-12-23T17:00:00+02:00');
 * due.clock; // 'support_hours'
 * due.initial_response; // '2026-12-29T14:00:00.000Z' (16:00 in Sofia: Christmas and 28 December are off)
 * due.final_resolution; // '2027-01-18T15:00:00.000Z'
 *
 * slaDueTimes('critical', new Date('2026-12-23T15:00:00Z')).initial_response; // '2026-12-23T16:00:00.000Z'
 * ```
 */
export function slaDueTimes(severity: Severity, at: Date | string, overrides: CalendarOverrides = noOverrides): SlaDue {
  if (!isSeverity(severity)) throw new RangeError(`severity must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(severity)}`);
  const start = startOf(at);
  const due = dueTimes(severity, start, overrides);
  return {
    object: 'sla_due',
    severity,
    clock: SEVERITY_RULES[severity].clock === 'around_the_clock' ? '24x7' : 'support_hours',
    started_at: start.toISOString(),
    initial_response: due.initial_response.toISOString(),
    temporary_solution: due.temporary_solution.toISOString(),
    final_resolution: due.final_resolution.toISOString(),
  };
}
