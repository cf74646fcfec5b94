import { defineHandlers } from '../http/typed-handlers.js';
import { addDays, type CalendarOverrides, dateParts, holidays, isWeekend, isWorkingDay, type LocalDate, localDate, overrideProblems } from '@prolope/rules';
import type { Deps, Handlers } from '../deps.js';
import { ProblemError } from '../errors.js';
import type { Db, Tx } from '../store/db.js';

async function overridesOf(db: Db | Tx, year: number): Promise<CalendarOverrides> {
  const rows = await db.selectFrom('calendar_overrides').select(['date', 'kind']).where('year', '=', year).orderBy('date').execute();
  return {
    daysOff: rows.filter((r) => r.kind === 'day_off').map((r) => r.date),
    workingDays: rows.filter((r) => r.kind === 'working_day').map((r) => r.date),
  };
}

/**
 * A year of the calendar. `non_working_days` lists only Monday-Friday dates that are not working days
 * (holidays, days in lieu, decreed days off) per isWorkingDay with the overrides: weekends are never
 * listed (they are off by definition), and a weekday declared working is simply absent. A Saturday
 * declared working shows in `working_days` only, nothing is added to `non_working_days` for it.
 */
function calendarYear(year: number, overrides: CalendarOverrides) {
  const nonWorking: LocalDate[] = [];
  for (let day = localDate(year, 1, 1); dateParts(day).year === year; day = addDays(day, 1)) {
    if (!isWeekend(day) && !isWorkingDay(day, overrides)) nonWorking.push(day);
  }
  return {
    object: 'calendar_year' as const,
    year,
    holidays: holidays(year, overrides).map((h) => ({ date: h.date, name: h.nameEn, name_bg: h.nameBg, kind: h.kind })),
    days_off: [...overrides.daysOff],
    working_days: [...overrides.workingDays],
    non_working_days: nonWorking,
  };
}

export function calendarRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'calendar.retrieve': async (req) => {
      const { year } = req.params;
      return calendarYear(Number(year), await overridesOf(deps.db, Number(year)));
    },
    'calendar.update': async (req) => {
      const year = Number(req.params.year);
      const body = req.body;
      const overrides: CalendarOverrides = { daysOff: body.days_off, workingDays: body.working_days };
      const errors = overrideProblems(overrides).map((p) => ({
        param: `/body/${p.field === 'daysOff' ? 'days_off' : 'working_days'}/${p.index}`,
        message: p.message,
      }));
      for (const [field, list] of [
        ['days_off', body.days_off],
        ['working_days', body.working_days],
      ] as const) {
        list.forEach((date, index) => {
          if (date.slice(0, 4) !== String(year)) errors.push({ param: `/body/${field}/${index}`, message: `${date} is not in ${year}` });
        });
      }
      if (errors.length > 0) {
        throw new ProblemError('invalid_calendar_overrides', `The overrides of ${year} have ${errors.length} problem(s): ${errors[0]?.message}.`, {
          param: errors[0]?.param ?? '/body',
          errors,
        });
      }
      await deps.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('calendar_overrides').where('year', '=', year).execute();
        const rows = [
          ...body.days_off.map((date) => ({ date, year, kind: 'day_off' })),
          ...body.working_days.map((date) => ({ date, year, kind: 'working_day' })),
        ];
        if (rows.length > 0) await tx.insertInto('calendar_overrides').values(rows).execute();
      });
      return calendarYear(year, await overridesOf(deps.db, year));
    },
  });
}
