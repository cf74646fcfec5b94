import type { CalendarOverrides, LocalDate } from '@prolope/rules';
import type { Db, Tx } from '../store/db.js';

/** The operator's extra days off and working days, all years (a few dozen rows at most). */
export async function loadOverrides(db: Db | Tx): Promise<CalendarOverrides> {
  const rows = await db.selectFrom('calendar_overrides').select(['date', 'kind']).orderBy('date').execute();
  return {
    daysOff: rows.filter((r) => r.kind === 'day_off').map((r) => r.date as LocalDate),
    workingDays: rows.filter((r) => r.kind === 'working_day').map((r) => r.date as LocalDate),
  };
}
