import type { BusinessSchedule, LocalDate } from '@prolope/rules';
import type { Schema } from '../http/contract.js';
import type { ScheduleRow } from './store.js';

export type Schedule = Schema<'Schedule'>;
export type OpeningHours = Schedule['hours'][number];

/** The schedule as the API shows it. */
export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    object: 'schedule' as const,
    account_id: row.account_id,
    name: row.name,
    time_zone: row.time_zone,
    hours: JSON.parse(row.hours) as OpeningHours[],
    public_holidays: Boolean(row.public_holidays),
    closed_dates: JSON.parse(row.closed_dates) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The schedule as the rules read it (packages/rules/src/schedule). */
export function toBusinessSchedule(row: ScheduleRow): BusinessSchedule {
  const s = toSchedule(row);
  return { timeZone: s.time_zone, hours: s.hours, publicHolidays: s.public_holidays, closedDates: s.closed_dates as LocalDate[] };
}
