import { type CalendarOverrides, isOpenAt, nextChange } from '@prolope/rules';
import { loadOverrides } from '../billing/overrides-store.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { type Schema, schemaDefaults } from '../http/contract.js';
import { newId } from '../ids.js';
import type { Db, Tx } from '../store/db.js';
import { checkHours, checkTimeZone } from './hours-check.js';
import { deleteScheduleRow, findSchedule, insertSchedule, type ScheduleRow, scheduleReferrers, updateScheduleRow } from './store.js';
import { type Schedule, toBusinessSchedule, toSchedule } from './views.js';

export type ScheduleCreate = Schema<'ScheduleCreate'>;
export type SchedulePatch = Schema<'ScheduleUpdate'>;
export type ScheduleStatus = Schema<'ScheduleStatus'>;

export async function createSchedule(deps: Deps, accountId: string, input: ScheduleCreate): Promise<Schedule> {
  // Every check runs before the transaction, so a refused request writes nothing.
  checkTimeZone(input.time_zone);
  checkHours(input.hours);
  const now = deps.clock.now();
  const row: ScheduleRow = {
    id: newId('schedule', now),
    account_id: accountId,
    name: input.name,
    time_zone: input.time_zone,
    hours: JSON.stringify(input.hours),
    public_holidays: (input.public_holidays ?? schemaDefaults.ScheduleCreate.public_holidays) ? 1 : 0,
    closed_dates: JSON.stringify([...(input.closed_dates ?? schemaDefaults.ScheduleCreate.closed_dates)].sort()),
    created_at: iso(now),
    updated_at: iso(now),
  };
  const schedule = toSchedule(row);
  await deps.db.transaction().execute(async (tx: Tx) => {
    await insertSchedule(tx, row);
    await recordEvent(tx, { accountId, type: 'schedule.created', object: schedule, at: now });
  });
  return schedule;
}

export async function updateSchedule(deps: Deps, accountId: string, id: string, patch: SchedulePatch): Promise<Schedule> {
  const row = await findSchedule(deps.db, accountId, id);
  if (!row) throw notFound('schedule', id);
  const next: Partial<ScheduleRow> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.time_zone !== undefined) {
    checkTimeZone(patch.time_zone);
    next.time_zone = patch.time_zone;
  }
  if (patch.hours !== undefined) {
    checkHours(patch.hours);
    next.hours = JSON.stringify(patch.hours);
  }
  if (patch.public_holidays !== undefined) next.public_holidays = patch.public_holidays ? 1 : 0;
  if (patch.closed_dates !== undefined) next.closed_dates = JSON.stringify([...patch.closed_dates].sort());
  const now = deps.clock.now();
  next.updated_at = iso(now);
  const schedule = toSchedule({ ...row, ...next });
  await deps.db.transaction().execute(async (tx: Tx) => {
    await updateScheduleRow(tx, accountId, id, next);
    await recordEvent(tx, { accountId, type: 'schedule.updated', object: schedule, at: now });
  });
  return schedule;
}

/** Refused (409 schedule_in_use, naming the numbers) while a number's route goes by the schedule. */
export async function deleteSchedule(deps: Deps, accountId: string, id: string) {
  const row = await findSchedule(deps.db, accountId, id);
  if (!row) throw notFound('schedule', id);
  await deps.db.transaction().execute(async (tx: Tx) => {
    const numbers = await scheduleReferrers(tx, accountId, id);
    if (numbers.length > 0) {
      throw new ProblemError(
        'schedule_in_use',
        `${numbers.join(', ')} ${numbers.length === 1 ? 'is' : 'are'} routed by this schedule. Give ${numbers.length === 1 ? 'that number' : 'those numbers'} another route (PATCH /v1/numbers/{number} with route) first.`,
      );
    }
    await deleteScheduleRow(tx, accountId, id);
    await recordEvent(tx, { accountId, type: 'schedule.deleted', object: toSchedule(row), at: deps.clock.now() });
  });
  return { id, object: 'schedule' as const, deleted: true as const };
}

/** Whether the schedule is open at `at`, on the server's holiday calendar with the operator's overrides. */
export function openAt(row: ScheduleRow, at: Date, overrides: CalendarOverrides): boolean {
  return isOpenAt(toBusinessSchedule(row), at, overrides);
}

export async function scheduleStatus(deps: Pick<Deps, 'db' | 'clock'>, accountId: string, id: string, at: string | undefined): Promise<ScheduleStatus> {
  const row = await findSchedule(deps.db, accountId, id);
  if (!row) throw notFound('schedule', id);
  const when = at === undefined ? deps.clock.now() : new Date(at);
  if (Number.isNaN(when.getTime())) {
    throw new ProblemError('validation_failed', `at ${JSON.stringify(at)} is not an RFC 3339 time; use one like 2026-12-23T09:00:00+02:00.`, {
      param: '/query/at',
    });
  }
  const overrides = await loadOverrides(deps.db);
  const change = nextChange(toBusinessSchedule(row), when, overrides);
  return { object: 'schedule_status', schedule_id: id, at: iso(when), open: openAt(row, when, overrides), next_change: change === null ? null : iso(change) };
}

/** Whether the account's schedule is open now (the server's clock); undefined when there is no such schedule. */
export async function scheduleOpenNow(deps: { db: Db; clock: Deps['clock'] }, accountId: string, id: string): Promise<boolean | undefined> {
  const row = await findSchedule(deps.db, accountId, id);
  if (!row) return undefined;
  return openAt(row, deps.clock.now(), await loadOverrides(deps.db));
}
