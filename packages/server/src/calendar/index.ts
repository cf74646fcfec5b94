// The Bulgarian working-day calendar: billing due dates and the SLA clock (terms 6.3 and 7.1) both use it.
export { type Holiday, type HolidayKind, holidays, statutoryHolidays } from '@prolope/sdk';
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
} from '@prolope/sdk';
export { orthodoxEaster } from '@prolope/sdk';
export { type CalendarOverrides, noOverrides, type OverrideProblem, overrideProblems } from '@prolope/sdk';
export { SOFIA_TIME_ZONE, sofiaDateOf, sofiaStartOfDay } from '@prolope/sdk';
export { addWorkingDays, isWorkingDay, nextWorkingDayOnOrAfter, workingDaysBetween } from '@prolope/sdk';
