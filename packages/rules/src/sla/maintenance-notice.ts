import { DAY_MS, HOUR_MS, instantMs } from './instants.js';

/**
 * Maintenance notice periods (terms 6, "Scheduled Maintenance").
 *
 * - `none`: no quality impact expected: at least 24 hours' notice.
 * - `possible`: potential quality impact: at least 3 days' notice. The terms give this one in days and the
 *   other in hours; both are read as elapsed time, so 3 days are 72 hours (not 3 support days, which only
 *   apply to incident response times in 6.3, and not "the same wall time 3 days later", which would be
 *   71 or 73 hours across a DST change).
 *
 * @example
 * ```ts
 * const impact: MaintenanceImpact = 'possible'; // needs 3 days' notice
 * ```
 */
export type MaintenanceImpact = 'none' | 'possible';

/**
 * The notice each impact needs, in milliseconds: 24 hours and 3 days (72 hours).
 *
 * @example
 * ```ts
 * MAINTENANCE_NOTICE_MS.possible / 3_600_000; // 72
 * ```
 */
export const MAINTENANCE_NOTICE_MS: Readonly<Record<MaintenanceImpact, number>> = {
  none: 24 * HOUR_MS,
  possible: 3 * DAY_MS,
};

/**
 * A maintenance window as announced: when, when it starts, its impact, and an emergency reason if any.
 *
 * @example
 * ```ts
 * const input: MaintenanceNoticeInput = { announcedAt: new Date(), startsAt: new Date(Date.now() + 86_400_000), impact: 'none' };
 * ```
 */
export interface MaintenanceNoticeInput {
  announcedAt: Date;
  startsAt: Date;
  impact: MaintenanceImpact;
  /**
   * "Critical security or stability issues may require immediate maintenance": such a window may start
   * without notice, but the reason must be stated so it can be shown to customers and audited.
   */
  emergency?: { reason: string } | null;
}

/**
 * Why {@link checkMaintenanceNotice} refuses a window.
 *
 * @example
 * ```ts
 * const why: MaintenanceNoticeRefusal = 'insufficient_notice';
 * ```
 */
export type MaintenanceNoticeRefusal = 'insufficient_notice' | 'emergency_reason_required' | 'starts_before_announcement';

/**
 * What {@link checkMaintenanceNotice} answers: ok with its basis, or a refusal with the earliest allowed start.
 *
 * @example
 * ```ts
 * const result: MaintenanceNoticeResult = checkMaintenanceNotice(input);
 * if (!result.ok) console.log(result.code, result.earliest_start);
 * ```
 */
export type MaintenanceNoticeResult =
  | { ok: true; basis: 'notice' | 'emergency'; notice_ms: number; required_ms: number }
  | { ok: false; code: MaintenanceNoticeRefusal; message: string; notice_ms: number; required_ms: number; earliest_start: Date };

/**
 * Whether maintenance may be scheduled as announced. Notice is `startsAt - announcedAt`; exactly the
 * required notice is enough (24 h 0 ms is ok, 23 h 59 min is not). On a refusal, `earliest_start` is the
 * first start the same announcement would allow.
 *
 * @example
 * ```ts
 * const announcedAt = new Date('2026-11-02T10:00:00Z');
 * checkMaintenanceNotice({ announcedAt, startsAt: new Date('2026-11-03T10:00:00Z'), impact: 'none' }).ok; // true
 * checkMaintenanceNotice({ announcedAt, startsAt: new Date('2026-11-03T10:00:00Z'), impact: 'possible' }).ok; // false
 * ```
 */
export function checkMaintenanceNotice(input: MaintenanceNoticeInput): MaintenanceNoticeResult {
  const announced = instantMs(input.announcedAt, 'announcedAt');
  const starts = instantMs(input.startsAt, 'startsAt');
  const required_ms = requiredNoticeMs(input.impact);
  const notice_ms = starts - announced;
  const refuse = (code: MaintenanceNoticeRefusal, message: string, earliest: number): MaintenanceNoticeResult => ({
    ok: false,
    code,
    message,
    notice_ms,
    required_ms,
    earliest_start: new Date(earliest),
  });

  if (notice_ms >= required_ms) return { ok: true, basis: 'notice', notice_ms, required_ms };
  if (input.emergency) {
    if (input.emergency.reason.trim() === '') {
      return refuse(
        'emergency_reason_required',
        'Emergency maintenance needs the security or stability reason for skipping the notice.',
        announced + required_ms,
      );
    }
    // "Immediate" is the announcement itself; a start before it would be notice given after the fact.
    if (notice_ms < 0) return refuse('starts_before_announcement', 'Emergency maintenance cannot start before it is announced.', announced);
    return { ok: true, basis: 'emergency', notice_ms, required_ms };
  }
  return refuse(
    'insufficient_notice',
    `Maintenance with ${input.impact === 'none' ? 'no' : 'possible'} quality impact needs ${required_ms / HOUR_MS} hours' notice.`,
    announced + required_ms,
  );
}

/**
 * Whether a window's notice met the terms, which is what lets uptime exclude it (`uptime.ts`).
 *
 * Emergency maintenance is allowed without notice but is not "scheduled maintenance", the only kind the
 * uptime target excludes (terms 6, "Uptime"), so a short-notice emergency window counts as downtime.
 *
 * @example
 * ```ts
 * announcedInTime({ announcedAt: new Date('2026-11-02T10:00:00Z'), startsAt: new Date('2026-11-05T10:00:00Z'), impact: 'possible' }); // true
 * ```
 */
export function announcedInTime(input: Pick<MaintenanceNoticeInput, 'announcedAt' | 'startsAt' | 'impact'>): boolean {
  return instantMs(input.startsAt, 'startsAt') - instantMs(input.announcedAt, 'announcedAt') >= requiredNoticeMs(input.impact);
}

function requiredNoticeMs(impact: MaintenanceImpact): number {
  const ms = MAINTENANCE_NOTICE_MS[impact];
  if (ms === undefined) throw new RangeError(`unknown maintenance impact: ${JSON.stringify(impact)}`);
  return ms;
}
