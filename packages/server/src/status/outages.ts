import type { Schema } from '../http/contract.js';
import type { Req } from '../http/typed-handlers.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import { newId } from '../ids.js';
import { confirmOutage } from '../incidents/confirm-outage.js';
import { limitOf, pageOf } from '../http/pagination.js';
import type { Db } from '../store/db.js';
import type { OutagesTable } from '../store/schema.js';
import type { Service } from './services.js';

export type OutageRow = OutagesTable;

export function toOutage(row: OutageRow): Schema<'Outage'> {
  return {
    id: row.id,
    object: 'outage' as const,
    service: row.service as Service,
    started_at: row.started_at,
    ended_at: row.ended_at,
    incident_id: row.incident_id,
    description: row.description,
    created_at: row.created_at,
  };
}

function checkRange(startedAt: string, endedAt: string): void {
  if (Date.parse(endedAt) <= Date.parse(startedAt)) {
    throw new ProblemError('invalid_time_range', `An outage must end after it starts: ended_at ${endedAt} is not after started_at ${startedAt}.`, {
      param: '/body/ended_at',
    });
  }
}

/** Records an outage (operator): open while `ended_at` is absent; with `incident_id`, confirms a customer's incident. */
export async function createOutage(deps: Deps, req: Req<'outages.create'>) {
  const body = req.body;
  if (body.incident_id !== undefined) {
    return toOutage(
      await confirmOutage(deps, {
        incidentId: body.incident_id,
        service: body.service,
        startedAt: body.started_at,
        endedAt: body.ended_at,
        description: body.description,
      }),
    );
  }
  // Without an incident there is nothing to take them from.
  for (const field of ['service', 'started_at'] as const) {
    if (body[field] === undefined) {
      throw new ProblemError('validation_failed', `body must have ${field} (or incident_id, to confirm an incident as an outage).`, {
        param: `/body/${field}`,
      });
    }
  }
  const now = deps.clock.now();
  const startedAt = iso(new Date(body.started_at as string));
  const endedAt = body.ended_at === undefined ? null : iso(new Date(body.ended_at));
  if (endedAt !== null) checkRange(startedAt, endedAt);
  const row: OutageRow = {
    id: newId('outage', now),
    service: body.service as Service,
    started_at: startedAt,
    ended_at: endedAt,
    incident_id: null,
    description: body.description ?? null,
    created_at: iso(now),
  };
  await deps.db.transaction().execute((tx) => tx.insertInto('outages').values(row).execute());
  return toOutage(row);
}

/** Ends an outage (or corrects its end) and/or describes it (operator). */
export async function updateOutage(deps: Deps, req: Req<'outages.update'>) {
  const { id } = req.params;
  const body = req.body;
  const row = await deps.db.selectFrom('outages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ProblemError('not_found', `No outage ${id}. List them with GET /v1/outages.`);
  const patch: Partial<OutageRow> = {};
  if (body.ended_at !== undefined) {
    patch.ended_at = iso(new Date(body.ended_at));
    checkRange(row.started_at, patch.ended_at);
  }
  if (body.description !== undefined) patch.description = body.description;
  await deps.db.transaction().execute((tx) => tx.updateTable('outages').set(patch).where('id', '=', row.id).execute());
  return toOutage({ ...row, ...patch });
}

export async function listOutages(deps: Deps, req: Req<'outages.list'>) {
  const q = req.query;
  const limit = limitOf(q);
  const rows = await deps.db
    .selectFrom('outages')
    .selectAll()
    .$if(!!q.service, (b) => b.where('service', '=', q.service as string))
    .$if(!!q.starting_after, (b) => b.where('id', '<', q.starting_after as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = pageOf(rows, limit);
  return { ...page, data: page.data.map(toOutage) };
}

/** Outages overlapping [from, to) (open ones overlap everything after their start). */
export async function outagesBetween(db: Db, from: Date, to: Date, service?: string): Promise<OutageRow[]> {
  return db
    .selectFrom('outages')
    .selectAll()
    .where('started_at', '<', iso(to))
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', iso(from))]))
    .$if(!!service, (b) => b.where('service', '=', service as string))
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}
