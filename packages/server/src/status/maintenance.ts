import type { Schema } from '../http/contract.js';
import type { Req } from '../http/typed-handlers.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { announcedInTime, checkMaintenanceNotice, type MaintenanceImpact } from '@prolope/rules';
import type { Db, Tx } from '../store/db.js';
import type { MaintenanceWindowsTable } from '../store/schema.js';
import type { Service } from './services.js';

export type WindowRow = MaintenanceWindowsTable;

export type WindowStatus = 'scheduled' | 'in_progress' | 'completed';

/** Scheduled before it starts, in progress in [starts_at, ends_at), completed from ends_at on. */
export function windowStatus(row: Pick<WindowRow, 'starts_at' | 'ends_at'>, now: Date): WindowStatus {
  const t = now.getTime();
  if (t < Date.parse(row.starts_at)) return 'scheduled';
  return t < Date.parse(row.ends_at) ? 'in_progress' : 'completed';
}

export function servicesOf(row: Pick<WindowRow, 'services'>): Service[] {
  return JSON.parse(row.services) as Service[];
}

/** The window as the API shows it; its status depends on `now`. */
export function toWindow(row: WindowRow, now: Date): MaintenanceWindow {
  return {
    id: row.id,
    object: 'maintenance_window' as const,
    services: servicesOf(row),
    title: row.title,
    starts_at: row.starts_at,
    ends_at: row.ends_at,
    impact: row.impact as MaintenanceImpact,
    emergency: row.emergency === 1,
    reason: row.reason,
    announced_at: row.announced_at,
    announced_in_time: row.announced_in_time === 1,
    status: windowStatus(row, now),
    created_at: row.created_at,
  };
}

export type MaintenanceWindow = Schema<'MaintenanceWindow'>;

/**
 * Schedules a window (operator). The notice of terms 6 is checked against the announcement, which is
 * now: 24 hours for no quality impact, 3 days for possible impact. An emergency fix (with a reason) may
 * start at once, but it is not "scheduled maintenance": `announced_in_time` is false and its minutes
 * count as downtime unless it happened to be announced in time anyway.
 */
export async function createWindow(deps: Deps, req: Req<'maintenanceWindows.create'>): Promise<MaintenanceWindow> {
  const body = req.body;
  const now = deps.clock.now();
  const startsAt = new Date(body.starts_at);
  const endsAt = new Date(body.ends_at);
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw new ProblemError('invalid_time_range', `The window must end after it starts: ends_at ${body.ends_at} is not after starts_at ${body.starts_at}.`, {
      param: '/body/ends_at',
    });
  }
  const emergency = body.emergency;
  const reason = body.reason?.trim() ? body.reason : null;
  const check = checkMaintenanceNotice({
    announcedAt: now,
    startsAt,
    impact: body.impact,
    emergency: emergency ? { reason: reason ?? '' } : null,
  });
  if (!check.ok) {
    const hours = check.required_ms / 3_600_000;
    const detail =
      check.code === 'insufficient_notice'
        ? `${check.message} Announced now (${iso(now)}), it may start at ${iso(check.earliest_start)} at the earliest; a critical security or stability fix may start at once with emergency: true and a reason.`
        : check.code === 'emergency_reason_required'
          ? `${check.message} Without one, the window needs ${hours} hours' notice: it may start at ${iso(check.earliest_start)} at the earliest.`
          : `${check.message} Start it at ${iso(now)} or later.`;
    throw new ProblemError('maintenance_notice_too_short', detail, {
      param: check.code === 'emergency_reason_required' ? '/body/reason' : '/body/starts_at',
    });
  }
  const row: WindowRow = {
    id: newId('maintenanceWindow', now),
    services: JSON.stringify(body.services),
    title: body.title,
    starts_at: iso(startsAt),
    ends_at: iso(endsAt),
    impact: body.impact,
    emergency: emergency ? 1 : 0,
    reason,
    announced_at: iso(now),
    announced_in_time: announcedInTime({ announcedAt: now, startsAt, impact: body.impact }) ? 1 : 0,
    created_at: iso(now),
  };
  const window = toWindow(row, now);
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('maintenance_windows').values(row).execute();
    await announce(tx, window, now);
  });
  return window;
}

/** `maintenance.scheduled` to every customer account still under an agreement, with its contacts for notices. */
async function announce(tx: Tx, window: MaintenanceWindow, now: Date): Promise<void> {
  const accounts = await tx.selectFrom('accounts').select('id').where('is_operator', '=', 0).where('status', '!=', 'terminated').orderBy('id').execute();
  if (accounts.length === 0) return;
  const contacts = await tx
    .selectFrom('contacts')
    .select(['id', 'account_id', 'name', 'email'])
    .where('receives_notices', '=', 1)
    .where(
      'account_id',
      'in',
      accounts.map((a) => a.id),
    )
    .orderBy('id')
    .execute();
  for (const account of accounts) {
    const notify = contacts.filter((c) => c.account_id === account.id).map((c) => ({ id: c.id, name: c.name, email: c.email }));
    await recordEvent(tx, { accountId: account.id, type: 'maintenance.scheduled', object: window, data: { notify }, at: now });
  }
}

export async function listWindows(deps: Deps, req: Req<'maintenanceWindows.list'>) {
  const q = req.query;
  const limit = limitOf(q);
  const rows = await deps.db
    .selectFrom('maintenance_windows')
    .selectAll()
    .$if(!!q.starting_after, (b) => b.where('id', '<', q.starting_after as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const now = deps.clock.now();
  const page = pageOf(rows, limit);
  return { ...page, data: page.data.map((r) => toWindow(r, now)) };
}

/** Windows overlapping [from, to), oldest start first. */
export async function windowsBetween(db: Db, from: Date, to: Date): Promise<WindowRow[]> {
  return db
    .selectFrom('maintenance_windows')
    .selectAll()
    .where('starts_at', '<', iso(to))
    .where('ends_at', '>', iso(from))
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}
