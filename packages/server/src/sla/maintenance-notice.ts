import { DAY_MS, HOUR_MS, instantMs } from './instants.js';

/**
 * Maintenance notice periods (terms 6, "Scheduled Maintenance").
 *
 * - `none`: no quality impact expected: at least 24 hours' notice.
 * - `possible`: potential quality impact: at least 3 days' notice. The terms give this one in days and the
 *   other in hours; both are read as elapsed time, so 3 days are 72 hours (not 3 support days, which only
 *   apply to incident response times in 6.3, and not "the same wall time 3 days later", which would be
 *   71 or 73 hours across a DST change).
 */
export type MaintenanceImpact = 'none' | 'possible';

export const MAINTENANCE_NOTICE_MS: Readonly<Record<MaintenanceImpact, number>> = {
  none: 24 * HOUR_MS,
  possible: 3 * DAY_MS,
};

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

export type MaintenanceNoticeRefusal = 'insufficient_notice' | 'emergency_reason_required' | 'starts_before_announcement';

export type MaintenanceNoticeResult =
  | { ok: true; basis: 'notice' | 'emergency'; notice_ms: number; required_ms: number }
  | { ok: false; code: MaintenanceNoticeRefusal; message: string; notice_ms: number; required_ms: number; earliest_start: Date };

/**
 * Whether maintenance may be scheduled as announced. Notice is `startsAt - announcedAt`; exactly the
 * required notice is enough (24 h 0 ms is ok, 23 h 59 min is not). On a refusal, `earliest_start` is the
 * first start the same announcement would allow.
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
  const hours = required_ms / HOUR_MS;
  return refuse(
    'insufficient_notice',
    `Maintenance with ${input.impact === 'none' ? 'no' : 'possible'} quality impact needs ${hours} hours' notice.`,
    announced + required_ms,
  );
}

/**
 * Whether a window's notice met the terms, which is what lets uptime exclude it (`uptime.ts`).
 *
 * Emergency maintenance is allowed without notice but is not "scheduled maintenance", the only kind the
 * uptime target excludes (terms 6, "Uptime"), so a short-notice emergency window counts as downtime.
 */
export function announcedInTime(input: Pick<MaintenanceNoticeInput, 'announcedAt' | 'startsAt' | 'impact'>): boolean {
  return instantMs(input.startsAt, 'startsAt') - instantMs(input.announcedAt, 'announcedAt') >= requiredNoticeMs(input.impact);
}

function requiredNoticeMs(impact: MaintenanceImpact): number {
  const ms = MAINTENANCE_NOTICE_MS[impact];
  if (ms === undefined) throw new RangeError(`unknown maintenance impact: ${JSON.stringify(impact)}`);
  return ms;
}
