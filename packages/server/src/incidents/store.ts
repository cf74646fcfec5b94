import { iso } from '../clock.js';
import { newId } from '../ids.js';
import type { Db, Tx } from '../store/db.js';
import type { ContactsTable } from '../store/schema.js';
import type { CommentRow, IncidentRow } from './incident.js';
import { testAccountIds } from '../test-clocks/account-time.js';

/** Whose incidents a caller may see: the operator every account's, a customer its own. */
export type Scope = 'any' | { accountId: string };

export async function findIncident(db: Db | Tx, scope: Scope, id: string): Promise<IncidentRow | undefined> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('id', '=', id)
    .$if(scope !== 'any', (q) => q.where('account_id', '=', (scope as { accountId: string }).accountId))
    .executeTakeFirst();
}

export interface IncidentFilter {
  accountId?: string | undefined;
  status?: string | undefined;
  severity?: string | undefined;
}

/** Newest first (ids sort by creation), `limit` rows after the cursor. */
export async function listIncidents(db: Db, filter: IncidentFilter, limit: number, startingAfter?: string): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .$if(!!filter.accountId, (q) => q.where('account_id', '=', filter.accountId as string))
    .$if(!!filter.status, (q) => q.where('status', '=', filter.status as string))
    .$if(!!filter.severity, (q) => q.where('severity', '=', filter.severity as string))
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Incidents whose targets may still come due: started, and not yet resolved or closed. Without `accountIds`,
 * those of accounts on the server's clock (the breach job's); with them, those accounts' (a test clock's).
 */
export async function runningIncidents(db: Db, afterId: string | undefined, limit: number, accountIds?: readonly string[]): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('status', 'in', ['open', 'acknowledged', 'mitigated'])
    .where('description_completed_at', 'is not', null)
    .$if(accountIds === undefined, (q) => q.where('account_id', 'not in', testAccountIds(db)))
    .$if(accountIds !== undefined, (q) => q.where('account_id', 'in', accountIds as string[]))
    .$if(!!afterId, (q) => q.where('id', '>', afterId as string))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A contact by id: within one account, or (the operator opening an incident on a customer's behalf) in any. */
export async function findContactAnywhere(db: Db | Tx, id: string, accountId?: string): Promise<ContactsTable | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', id)
    .$if(!!accountId, (q) => q.where('account_id', '=', accountId as string))
    .executeTakeFirst();
}

export async function insertComment(tx: Tx, incident: IncidentRow, author: string, body: string, internal: boolean, at: Date): Promise<CommentRow> {
  const row: CommentRow = {
    id: newId('incidentComment', at),
    incident_id: incident.id,
    account_id: incident.account_id,
    author,
    body,
    internal: internal ? 1 : 0,
    created_at: iso(at),
  };
  await tx.insertInto('incident_comments').values(row).execute();
  return row;
}

/** Oldest first; a customer's page leaves out internal comments. */
export async function listComments(db: Db, incidentId: string, withInternal: boolean, limit: number, startingAfter?: string): Promise<CommentRow[]> {
  return db
    .selectFrom('incident_comments')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .$if(!withInternal, (q) => q.where('internal', '=', 0))
    .$if(!!startingAfter, (q) => q.where('id', '>', startingAfter as string))
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

/** Opens the outage `id` of a critical incident's service, from its start (the complete description, else the ticket). */
export async function openOutage(tx: Tx, incident: IncidentRow, id: string, at: Date): Promise<void> {
  await tx
    .insertInto('outages')
    .values({
      id,
      service: incident.service,
      started_at: incident.description_completed_at ?? incident.created_at,
      ended_at: null,
      incident_id: incident.id,
      // No text: an incident's title is customer data, and outages feed the public status page.
      description: null,
      created_at: iso(at),
    })
    .execute();
}

/** Ends an incident's outage if it is still open (an outage ended through the outages API stays as it is). */
export async function endOutage(tx: Tx, outageId: string | null, at: Date): Promise<void> {
  if (!outageId) return;
  await tx
    .updateTable('outages')
    .set({ ended_at: iso(at) })
    .where('id', '=', outageId)
    .where('ended_at', 'is', null)
    .execute();
}
