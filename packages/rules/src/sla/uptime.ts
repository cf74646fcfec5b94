import { localDate, sofiaStartOfDay } from '../calendar/index.js';
import { instantMs, MINUTE_MS } from './instants.js';
import { clip, type Interval, overlapLength, totalLength, union } from './intervals.js';

/**
 * The uptime target of terms 6: 99.9 % monthly, i.e. downtime at most 1/1000 of the month. Kept as a
 * fraction so the decision is an exact integer comparison.
 *
 * @example
 * ```ts
 * UPTIME_TARGET.percent; // '99.9'
 * ```
 */
export const UPTIME_TARGET = { percent: '99.9', maxDowntimeNumerator: 1, maxDowntimeDenominator: 1000 } as const;

/**
 * One outage of a service; `end` is null while it lasts.
 *
 * @example
 * ```ts
 * const outage: OutageInput = { start: new Date('2026-11-10T08:00:00Z'), end: new Date('2026-11-10T08:40:00Z') };
 * ```
 */
export interface OutageInput {
  start: Date;
  /** null while ongoing: counted until `now` (or the month's end, whichever is first). */
  end: Date | null;
}

/**
 * A maintenance window and whether it was announced in time.
 *
 * @example
 * ```ts
 * const window: MaintenanceWindowInput = { start, end, announcedInTime: announcedInTime({ announcedAt, startsAt: start, impact: 'possible' }) };
 * ```
 */
export interface MaintenanceWindowInput {
  start: Date;
  end: Date;
  /** From `announcedInTime` in `maintenance-notice.ts`: only windows announced in time excuse an outage. */
  announcedInTime: boolean;
}

/**
 * A Sofia month, one service's outages and maintenance windows, and the instant to judge at.
 *
 * @example
 * ```ts
 * const input: MonthlyUptimeInput = { month: '2026-11', outages: [], maintenance: [], now: new Date() };
 * ```
 */
export interface MonthlyUptimeInput {
  /** `YYYY-MM`, a month of the Sofia calendar. */
  month: string;
  /** One service's outages; uptime is per service, so the caller groups by service. */
  outages: readonly OutageInput[];
  maintenance: readonly MaintenanceWindowInput[];
  now: Date;
}

/**
 * What {@link monthlyUptime} answers.
 *
 * @example
 * ```ts
 * const { uptime_percent, met }: MonthlyUptime = monthlyUptime(input); // '99.907', true
 * ```
 */
export interface MonthlyUptime {
  month: string;
  starts_at: Date;
  ends_at: Date;
  /** Whole minutes: 43,200 in a 30-day month, 44,580 in March and 44,700 in October (DST). */
  minutes_in_month: number;
  /** Exact downtime; the minutes below are this rounded for display. */
  downtime_ms: number;
  /** `downtime_ms` in minutes to 3 decimals (60 ms steps), rounded half-up: display only. */
  downtime_minutes: number;
  /** Outage time excused because it fell inside a window announced in time. */
  excluded_maintenance_ms: number;
  excluded_maintenance_minutes: number;
  /**
   * (month - downtime) / month as a percentage with exactly 3 decimals, rounded half-up: '99.884'. A string on
   * purpose: it is for people, and comparing it with 99.9 would judge a rounded value ('99.900' from
   * 99.8996 %); `met` is the decision.
   */
  uptime_percent: string;
  target_percent: string;
  /** downtime / month <= 1/1000, compared exactly in integers. */
  met: boolean;
  /** False while `now` is before the month's end: the figures so far, downtime can still grow. */
  complete: boolean;
}

const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * A month's uptime for one service.
 *
 * Choices where the terms are silent:
 * - Month boundaries are Sofia midnights (the company, its terms and its support hours are Bulgarian), so a
 *   month is its real length: an hour shorter in March, an hour longer in October.
 * - Downtime is outage time plus the whole of every maintenance window announced late (terms 6 exclude only
 *   scheduled maintenance, and issue 7 says a late-announced window counts as downtime, with or without an
 *   outage recorded in it). A window announced in time excuses the outage time inside it and costs nothing
 *   by itself. Overlaps count once.
 * - Excused maintenance stays in the month's length (the denominator): the terms exclude the windows from
 *   downtime, not from the month, and the acceptance figure (40 min down -> 99.907 %) uses 43,200 minutes.
 * - Overlapping outages count once; parts outside the month, or after `now`, are cut off.
 * - Arithmetic is in integer milliseconds; outages need not start on whole minutes.
 *
 * @example
 * ```ts
 * const outage = { start: new Date('2026-11-10T08:00:00Z'), end: new Date('2026-11-10T08:40:00Z') };
 * const uptime = monthlyUptime({ month: '2026-11', outages: [outage], maintenance: [], now: new Date('2026-12-01T00:00:00Z') });
 * uptime.uptime_percent; // '99.907'
 * uptime.met; // true
 * ```
 */
export function monthlyUptime(input: MonthlyUptimeInput): MonthlyUptime {
  const { month } = input;
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM: ${JSON.stringify(month)}`);
  const year = Number(m[1]);
  const monthNumber = Number(m[2]);
  const first = localDate(year, monthNumber, 1);
  const next = monthNumber === 12 ? localDate(year + 1, 1, 1) : localDate(year, monthNumber + 1, 1);
  const from = sofiaStartOfDay(first).getTime();
  const to = sofiaStartOfDay(next).getTime();
  const now = instantMs(input.now, 'now');
  const measuredUntil = Math.min(to, now);

  const outages: Interval[] = input.outages.map((o, i) => {
    const start = instantMs(o.start, `outages[${i}].start`);
    const end = o.end === null ? now : instantMs(o.end, `outages[${i}].end`);
    if (o.end !== null && end < start) throw new RangeError(`outages[${i}] ends before it starts`);
    return { start, end };
  });
  const windows = input.maintenance.map((w, i) => {
    const start = instantMs(w.start, `maintenance[${i}].start`);
    const end = instantMs(w.end, `maintenance[${i}].end`);
    if (end < start) throw new RangeError(`maintenance[${i}] ends before it starts`);
    return { start, end, inTime: w.announcedInTime };
  });
  const excused: Interval[] = windows.filter((w) => w.inTime).map(({ start, end }) => ({ start, end }));
  // Terms 6 exclude only *scheduled* maintenance; a window announced late is downtime for all of its
  // length, whether or not an outage was recorded in it (issue 7: "a late-announced window counts as downtime").
  const late: Interval[] = windows.filter((w) => !w.inTime).map(({ start, end }) => ({ start, end }));

  const down = union(clip([...outages, ...late], from, measuredUntil));
  const excluded_maintenance_ms = overlapLength(down, union(clip(excused, from, to)));
  const downtime_ms = totalLength(down) - excluded_maintenance_ms;
  const monthMs = to - from;

  return {
    month,
    starts_at: new Date(from),
    ends_at: new Date(to),
    minutes_in_month: monthMs / MINUTE_MS,
    downtime_ms,
    downtime_minutes: msToMinutes3(downtime_ms),
    excluded_maintenance_ms,
    excluded_maintenance_minutes: msToMinutes3(excluded_maintenance_ms),
    uptime_percent: percentHalfUp(monthMs - downtime_ms, monthMs),
    target_percent: UPTIME_TARGET.percent,
    met: downtime_ms * UPTIME_TARGET.maxDowntimeDenominator <= monthMs * UPTIME_TARGET.maxDowntimeNumerator,
    complete: now >= to,
  };
}

/** Minutes with 3 decimals: ms / 60,000 rounded half-up to the thousandth (ms / 60 to an integer). */
function msToMinutes3(ms: number): number {
  return Math.round(ms / 60) / 1000;
}

/**
 * `part / whole` as a percentage string with 3 decimals, rounded half-up, computed in BigInt so no binary
 * fraction is ever rounded: 43,150 / 43,200 -> '99.884' (99.88425...), 43,160 / 43,200 -> '99.907'.
 *
 * @example
 * ```ts
 * percentHalfUp(43_160, 43_200); // '99.907'
 * ```
 */
export function percentHalfUp(part: number, whole: number): string {
  if (!Number.isSafeInteger(part) || !Number.isSafeInteger(whole) || whole <= 0 || part < 0) {
    throw new RangeError(`percent needs integers 0 <= part, 0 < whole: ${part}/${whole}`);
  }
  const thousandths = (BigInt(part) * 200_000n + BigInt(whole)) / (2n * BigInt(whole)); // round(part/whole * 100,000)
  const text = thousandths.toString().padStart(4, '0');
  return `${text.slice(0, -3)}.${text.slice(-3)}`;
}
