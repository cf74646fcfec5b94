// Issue 7's SLA rules as pure functions: severities and targets, support-hours arithmetic, due times,
// breaches, maintenance notice and monthly uptime. No I/O and no clock: callers pass `now`.
export { type SlaEvaluation, type SlaEvaluationInput, type TargetStatus, evaluateSla } from './breach.js';
export { type DueTimes, dueTime, dueTimes } from './due-times.js';
export {
  announcedInTime,
  checkMaintenanceNotice,
  MAINTENANCE_NOTICE_MS,
  type MaintenanceImpact,
  type MaintenanceNoticeInput,
  type MaintenanceNoticeRefusal,
  type MaintenanceNoticeResult,
} from './maintenance-notice.js';
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
} from './severity.js';
export { type SlaDue, slaDueTimes } from './sla-due.js';
export { formatSofiaTime, sofiaInstant, sofiaWallClockOf } from './sofia-wall-time.js';
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
} from './support-hours.js';
export {
  type MaintenanceWindowInput,
  type MonthlyUptime,
  type MonthlyUptimeInput,
  monthlyUptime,
  type OutageInput,
  percentHalfUp,
  UPTIME_TARGET,
} from './uptime.js';
