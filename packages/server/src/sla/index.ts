// Issue 7's SLA rules as pure functions: severities and targets, support-hours arithmetic, due times,
// breaches, maintenance notice and monthly uptime. No I/O and no clock: callers pass `now`.
export { type SlaEvaluation, type SlaEvaluationInput, type TargetStatus, evaluateSla } from '@prolope/sdk';
export { type DueTimes, dueTime, dueTimes } from '@prolope/sdk';
export {
  announcedInTime,
  checkMaintenanceNotice,
  MAINTENANCE_NOTICE_MS,
  type MaintenanceImpact,
  type MaintenanceNoticeInput,
  type MaintenanceNoticeRefusal,
  type MaintenanceNoticeResult,
} from '@prolope/sdk';
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
} from '@prolope/sdk';
export { sofiaInstant, sofiaWallClockOf } from '@prolope/sdk';
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
} from '@prolope/sdk';
export {
  type MaintenanceWindowInput,
  type MonthlyUptime,
  type MonthlyUptimeInput,
  monthlyUptime,
  type OutageInput,
  percentHalfUp,
  UPTIME_TARGET,
} from '@prolope/sdk';
