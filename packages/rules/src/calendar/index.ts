// The Bulgarian working-day calendar: billing due dates and the SLA clock (terms 6.3 and 7.1) both use it.
export { type Holiday, type HolidayKind, holidays, statutoryHolidays } from './holidays.js';
export {
  addDays,
  addMonths,
  type DateParts,
  dateParts,
  daysBetween,
  daysInMonth,
  fromDayNumber,
  isLocalDate,
  isoWeekday,
  isWeekend,
  type LocalDate,
  localDate,
  maxDate,
  minDate,
  startOfMonth,
  toDayNumber,
  tryParseLocalDate,
} from './local-date.js';
export { orthodoxEaster } from './orthodox-easter.js';
export { type CalendarOverrides, noOverrides, type OverrideProblem, overrideProblems } from './overrides.js';
export { SOFIA_TIME_ZONE, sofiaDateOf, sofiaStartOfDay } from './sofia-time.js';
export { addWorkingDays, isWorkingDay, nextWorkingDayOnOrAfter, workingDaysBetween } from './working-days.js';
