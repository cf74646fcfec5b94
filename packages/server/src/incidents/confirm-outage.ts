import { loadOverrides } from '../billing/overrides-store.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import type { OutagesTable } from '../store/schema.js';
import { accountTime } from '../test-clocks/account-time.js';
import { CUSTOMER, toIncident } from './incident.js';
import { findIncident } from './store.js';

export interface OutageConfirmation {
  incidentId: string;
  service?: string | undefined;
  startedAt?: string | undefined;
  endedAt?: string | undefined;
  description?: string | undefined;
}

/**
 * The operator confirms a customer's incident as an outage (issue 13 item 3): a customer's critical incident is a
 * report, and only this row, written by the operator, marks the service down on /status and counts against
 * uptime. The outage is linked both ways, so mitigating the incident ends it, as for one the operator opened.
 * The service and start default to the incident's (its complete description, else the ticket).
 */
export async function confirmOutage(deps: Deps, input: OutageConfirmation): Promise<OutagesTable> {
  const incident = await findIncident(deps.db, 'any', input.incidentId);
  if (!incident) {
    throw new ProblemError('invalid_reference', `No incident ${input.incidentId}: list them with GET /v1/incidents.`, { param: '/body/incident_id' });
  }
  const { now, simulated } = await accountTime(deps.db, incident.account_id, deps.clock);
  if (simulated) {
    throw new ProblemError(
      'forbidden',
      `Incident ${incident.id} belongs to a test account (on a test clock): it is a simulation, and the platform's outages and status page stay as they are.`,
      { param: '/body/incident_id' },
    );
  }
  if (incident.outage_id) {
    throw new ProblemError(
      'incident_transition_not_allowed',
      `Incident ${incident.id} already has outage ${incident.outage_id}: end or describe that one with POST /v1/outages/${incident.outage_id}.`,
      { param: '/body/incident_id' },
    );
  }
  const recordedAt = deps.clock.now();
  const startedAt = iso(new Date(input.startedAt ?? incident.description_completed_at ?? incident.created_at));
  const endedAt = input.endedAt === undefined ? null : iso(new Date(input.endedAt));
  if (endedAt !== null && Date.parse(endedAt) <= Date.parse(startedAt)) {
    throw new ProblemError('invalid_time_range', `An outage must end after it starts: ended_at ${endedAt} is not after started_at ${startedAt}.`, {
      param: '/body/ended_at',
    });
  }
  const row: OutagesTable = {
    id: newId('outage', recordedAt),
    service: input.service ?? incident.service,
    started_at: startedAt,
    ended_at: endedAt,
    incident_id: incident.id,
    // The operator's public words only: the incident's title is customer data.
    description: input.description ?? null,
    created_at: iso(recordedAt),
  };
  const overrides = await loadOverrides(deps.db);
  await deps.db.transaction().execute(async (tx) => {
    const after = { ...incident, outage_id: row.id, updated_at: iso(now) };
    // Only while still unconfirmed: two operators confirming at once get one outage, and the other a 409.
    const res = await tx
      .updateTable('incidents')
      .set({ outage_id: row.id, updated_at: after.updated_at })
      .where('id', '=', incident.id)
      .where('outage_id', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      throw new ProblemError('incident_transition_not_allowed', `Incident ${incident.id} was confirmed meanwhile; retrieve it to see its outage_id.`, {
        param: '/body/incident_id',
      });
    }
    await tx.insertInto('outages').values(row).execute();
    await recordEvent(tx, {
      accountId: incident.account_id,
      type: 'incident.updated',
      object: toIncident(after, now, overrides, CUSTOMER),
      at: recordedAt,
    });
  });
  return row;
}
