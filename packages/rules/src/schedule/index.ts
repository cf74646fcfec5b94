// Business-hours schedules (issue 17): is a business open at an instant in its time zone, and until when.
export { NEXT_CHANGE_HORIZON_DAYS, nextChange } from './next-change.js';
export { type BusinessSchedule, isOpenAt, minuteOfDay, type OpeningHours, type Weekday } from './open-at.js';
export { isTimeZone, wallClock, type WallClock } from './wall-clock.js';
