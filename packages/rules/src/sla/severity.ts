/**
 * Incident severities and their SLA targets, as written in the terms (section 6.1 targets, 6.2 definitions,
 * 6.3 which clock each severity runs on). Data only: the arithmetic lives in `due-times.ts`.
 */

/**
 * - `critical`: complete service cessation or serious permanent restrictions affecting all users.
 *   Supported 24/7 via phone.
 * - `high`: partial service loss, significant management limitations, data loss, or security vulnerabilities.
 * - `medium`: issues potentially causing service disruption, traffic or statistics loss, or requiring major
 *   system intervention.
 * - `low`: minor functionality impact with negligible effect on service delivery.
 *
 * High, medium and low are handled on weekdays 09:00-18:00 Sofia time, without public holidays, via email or
 * the support portal (terms 6.3).
 *
 * @example
 * ```ts
 * for (const severity of SEVERITIES) console.log(severity, SEVERITY_RULES[severity].clock);
 * ```
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/**
 * An incident severity (terms 6.2).
 *
 * @example
 * ```ts
 * const severity: Severity = 'high';
 * ```
 */
export type Severity = (typeof SEVERITIES)[number];

/**
 * The three targets of terms 6.1, in the order an incident reaches them.
 *
 * @example
 * ```ts
 * SLA_TARGETS[0]; // 'initial_response'
 * ```
 */
export const SLA_TARGETS = ['initial_response', 'temporary_solution', 'final_resolution'] as const;
/**
 * One target of terms 6.1.
 *
 * @example
 * ```ts
 * const target: SlaTarget = 'initial_response';
 * ```
 */
export type SlaTarget = (typeof SLA_TARGETS)[number];

/**
 * A target as the terms write it, so the table below can be read against 6.1 line by line. What an hour and a
 * day mean depends on the severity's clock (`due-times.ts`): real hours and 24-hour days for critical,
 * support hours and 9-hour support days for the rest.
 *
 * @example
 * ```ts
 * SEVERITY_RULES.high.targets.temporary_solution; // { amount: 3, unit: 'days' }
 * ```
 */
export interface TargetDuration {
  amount: number;
  unit: 'hours' | 'days';
}

/**
 * - `around_the_clock`: real elapsed time, through nights, weekends, holidays and DST changes (6.3: "except for
 *   Critical severity").
 * - `support_hours`: only weekday 09:00-18:00 Europe/Sofia time on Bulgarian working days counts (6.3:
 *   "Off-hours time does not count toward response times").
 *
 * @example
 * ```ts
 * SEVERITY_RULES.critical.clock; // 'around_the_clock'
 * ```
 */
export type SlaClock = 'around_the_clock' | 'support_hours';

/**
 * A severity's definition, clock and targets (terms 6.1-6.3).
 *
 * @example
 * ```ts
 * const rules: SeverityRules = SEVERITY_RULES.high;
 * rules.targets.initial_response; // { amount: 8, unit: 'hours' }
 * ```
 */
export interface SeverityRules {
  /** Terms 6.2, verbatim in substance, for help texts and the API's documentation. */
  definition: string;
  clock: SlaClock;
  targets: Readonly<Record<SlaTarget, TargetDuration>>;
}

const hours = (amount: number): TargetDuration => ({ amount, unit: 'hours' });
const days = (amount: number): TargetDuration => ({ amount, unit: 'days' });

/**
 * Terms 6.1-6.3 as one table.
 *
 * @example
 * ```ts
 * SEVERITY_RULES.medium.targets.final_resolution; // { amount: 21, unit: 'days' }
 * ```
 */
export const SEVERITY_RULES: Readonly<Record<Severity, SeverityRules>> = {
  critical: {
    definition: 'Complete service cessation or serious permanent restrictions affecting all users. Supported 24/7 via phone.',
    clock: 'around_the_clock',
    targets: { initial_response: hours(1), temporary_solution: hours(8), final_resolution: days(7) },
  },
  high: {
    definition: 'Partial service loss, significant management limitations, data loss, or security vulnerabilities.',
    clock: 'support_hours',
    targets: { initial_response: hours(8), temporary_solution: days(3), final_resolution: days(14) },
  },
  medium: {
    definition: 'Issues potentially causing service disruption, traffic or statistics loss, or requiring major system intervention.',
    clock: 'support_hours',
    targets: { initial_response: days(3), temporary_solution: days(7), final_resolution: days(21) },
  },
  low: {
    definition: 'Minor functionality impact with negligible effect on service delivery.',
    clock: 'support_hours',
    targets: { initial_response: days(5), temporary_solution: days(16), final_resolution: days(40) },
  },
};

/**
 * Narrows untrusted input (a query parameter, a CLI flag) to a severity.
 *
 * @example
 * ```ts
 * isSeverity('high'); // true
 * isSeverity('urgent'); // false
 * ```
 */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}
