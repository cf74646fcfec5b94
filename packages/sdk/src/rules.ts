// What SDK users get of @prolope/rules: the working-day calendar, the SLA rules and the capacity check, as
// the SDK exported them before the rules had a package of their own. The billing rules stay out: only the
// server bills. Listed name by name so that adding a rule to @prolope/rules does not widen the SDK's API.
export { capacity, type CapacityInput, type CapacityResult, type LinkDescription } from '@prolope/rules';
export { type Holiday, type HolidayKind, holidays, statutoryHolidays } from '@prolope/rules';
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
} from '@prolope/rules';
export { orthodoxEaster } from '@prolope/rules';
export { type CalendarOverrides, noOverrides, type OverrideProblem, overrideProblems } from '@prolope/rules';
export { SOFIA_TIME_ZONE, sofiaDateOf, sofiaStartOfDay } from '@prolope/rules';
export { addWorkingDays, isWorkingDay, nextWorkingDayOnOrAfter, workingDaysBetween } from '@prolope/rules';
export { type SlaEvaluation, type SlaEvaluationInput, type TargetStatus, evaluateSla } from '@prolope/rules';
export { type DueTimes, dueTime, dueTimes } from '@prolope/rules';
export {
  announcedInTime,
  checkMaintenanceNotice,
  MAINTENANCE_NOTICE_MS,
  type MaintenanceImpact,
  type MaintenanceNoticeInput,
  type MaintenanceNoticeRefusal,
  type MaintenanceNoticeResult,
} from '@prolope/rules';
export {
  SEVERITIES,
  SEVERITY_RULES,
  type Severity,
  type SeverityRules,
  SLA_TARGETS,
  type SlaClock,
  type SlaTarget,
  type TargetDuration,
  isSeverity,
} from '@prolope/rules';
export { type SlaDue, slaDueTimes } from '@prolope/rules';
export { formatSofiaTime, sofiaInstant, sofiaWallClockOf } from '@prolope/rules';
export {
  addSupportHours,
  addSupportMillis,
  SUPPORT_CLOSES_AT_HOUR,
  SUPPORT_DAY_HOURS,
  SUPPORT_OPENS_AT_HOUR,
  supportClockStart,
  supportHoursBetween,
  supportMillisBetween,
  supportMinutesBetween,
} from '@prolope/rules';
export {
  type MaintenanceWindowInput,
  type MonthlyUptime,
  type MonthlyUptimeInput,
  monthlyUptime,
  type OutageInput,
  percentHalfUp,
  UPTIME_TARGET,
} from '@prolope/rules';
// IVR flows, offline (issue 18): lint a flow, play scripted calls through the interpreter live calls use,
// and compare two documents as GET /v1/flows/{id}/diff does.
export {
  advanceFlow,
  checkExpectations,
  diffFlows,
  type FlowDocumentDiff,
  type FlowCoverage,
  type FlowDocument,
  type FlowExpectation,
  type FlowProblem,
  type FlowScript,
  type FlowTranscript,
  type FlowReference,
  flowCoverage,
  flowReferences,
  type KnownObjects,
  type LintOptions,
  lintFlow,
  referencedIds,
  runFlow,
  startFlow,
} from '@prolope/rules';
