import { defineHandlers, type Req, type ReqWithId } from '../http/typed-handlers.js';
import { loadOverrides } from '../billing/overrides-store.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import { type AuthContext, authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import type { Tx } from '../store/db.js';
import { accountTime, accountTimes } from '../test-clocks/account-time.js';
import { actingContact, namedContact } from './authorized-contact.js';
import { announceBreaches } from './breach-job.js';
import { CUSTOMER, type IncidentRow, toComment, toIncident } from './incident.js';
import { anyBreached, computeSla } from './sla.js';
import { endOutage, findIncident, insertComment, listComments, listIncidents, openOutage, type Scope } from './store.js';
import { type HistoryEntry, type IncidentStatus, transition } from './transitions.js';

/** The operator's key sees every account's incidents; a customer's only its own (others are 404). */
const scopeOf = (auth: AuthContext): Scope => (auth.isOperator ? 'any' : { accountId: auth.accountId });

/** Who did it, as history entries and comments name it. */
const OPERATOR = 'prolope';

async function incidentOf(deps: Deps, req: ReqWithId): Promise<IncidentRow> {
  const { id } = req.params;
  const row = await findIncident(deps.db, scopeOf(authOf(req)), id);
  if (!row) throw notFound('incident', id);
  return row;
}

export function incidentRoutes(deps: Deps): Handlers {
  /** The account's time: its test clock's for a test account (their incidents run on it), else the server's. */
  const timeOf = (accountId: string) => accountTime(deps.db, accountId, deps.clock);

  /** The incident as `viewer` may see it, with its `sla` block at the account's now. */
  async function present(row: IncidentRow, viewer: { isOperator: boolean }) {
    return toIncident(row, (await timeOf(row.account_id)).now, await loadOverrides(deps.db), viewer);
  }

  /** Stores a change, with `incident.updated` and any breach it makes known, in one transaction. */
  async function save(
    before: IncidentRow,
    patch: Partial<IncidentRow>,
    now: Date,
    extra?: (tx: Tx, after: IncidentRow) => Promise<void>,
  ): Promise<IncidentRow> {
    const after: IncidentRow = { ...before, ...patch };
    await deps.db.transaction().execute(async (tx) => {
      // Only from the state read: a concurrent change (a double click on two consoles) gets 409, not a lost update.
      const res = await tx.updateTable('incidents').set(patch).where('id', '=', before.id).where('updated_at', '=', before.updated_at).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        throw new ProblemError(
          'incident_transition_not_allowed',
          `Incident ${before.id} changed while this request was being handled; retrieve it and try again.`,
        );
      }
      await extra?.(tx, after);
      const overrides = await loadOverrides(tx);
      // Events are recorded at the server's time; `now` (the account's) is what the incident's clock reads.
      const recordedAt = deps.clock.now();
      await announceBreaches(tx, after, now, overrides, recordedAt);
      await recordEvent(tx, {
        accountId: after.account_id,
        type: 'incident.updated',
        object: toIncident(after, now, overrides, CUSTOMER),
        at: recordedAt,
      });
    });
    return after;
  }

  // The four transitions share one request schema (IncidentTransition).
  async function move(req: Req<'incidents.acknowledge'>, to: Exclude<IncidentStatus, 'open'>) {
    const auth = authOf(req);
    const body = req.body;
    const row = await incidentOf(deps, req);
    if (body.operator_notes !== undefined && !auth.isOperator) {
      throw new ProblemError('forbidden', 'operator_notes are written by Prolope only; leave them out, and use `note` (a comment) instead.', {
        param: '/body/operator_notes',
      });
    }
    let by = OPERATOR;
    if (!auth.isOperator) {
      // Only closing reaches here for a customer (the other transitions need the operator scope).
      by = (await actingContact(deps.db, auth)).id;
      if (row.status !== 'resolved') {
        throw new ProblemError(
          'incident_transition_not_allowed',
          `Incident ${row.id} is ${row.status}: a customer may close it once Prolope has resolved it. Add a comment instead if it needs attention.`,
        );
      }
    }
    const { now } = await timeOf(row.account_id);
    const patch = transition(row, to, iso(now), by);
    if (body.operator_notes !== undefined) patch.operator_notes = body.operator_notes;
    const after = await save(row, patch, now, async (tx, next) => {
      if (body.note) await insertComment(tx, next, by, body.note, false, now);
      // The temporary solution restores the service: the outage opened from a critical incident ends there.
      if (to !== 'acknowledged') await endOutage(tx, next.outage_id, now);
    });
    return present(after, auth);
  }

  return defineHandlers({
    'incidents.create': async (req) => {
      const auth = authOf(req);
      const body = req.body;
      // A customer's incident is opened by the person its personal key authenticates; the operator (taking a
      // call on the 24/7 line) names the customer's contact, which says whose incident it is.
      if (!auth.isOperator && body.contact !== undefined) {
        throw new ProblemError(
          'forbidden',
          'Leave out `contact`: the person opening the incident is the one this personal API key belongs to (terms 6.3). `contact` is for the operator opening one on a customer’s behalf.',
          { param: '/body/contact' },
        );
      }
      const contact = auth.isOperator ? await namedContact(deps.db, body.contact) : await actingContact(deps.db, auth);
      if (contact.account_id === auth.accountId && auth.isOperator) {
        throw new ProblemError('forbidden', "Incidents are the customers': name a contact of the customer's account you are opening it for.", {
          param: '/body/contact',
        });
      }
      const { now, simulated } = await timeOf(contact.account_id);
      const at = iso(now);
      const history: HistoryEntry[] = [{ status: 'open', at, by: contact.id }];
      // Ids sort by when Prolope wrote them, also for a test account living in another year.
      const recordedAt = deps.clock.now();
      const id = newId('incident', recordedAt);
      const row: IncidentRow = {
        id,
        account_id: contact.account_id,
        severity: body.severity,
        service: body.service,
        title: body.title,
        description: body.description,
        description_completed_at: body.description_complete ? at : null,
        status: 'open',
        opened_by: contact.id,
        history: JSON.stringify(history),
        acknowledged_at: null,
        mitigated_at: null,
        resolved_at: null,
        closed_at: null,
        operator_notes: null,
        outage_id: null,
        created_at: at,
        updated_at: at,
      };
      // A customer's critical incident is a report: it starts the SLA clock, but the service is down on /status only
      // once the operator confirms it with an outage (POST /v1/outages with incident_id), or the operator opened it.
      // A test account's critical incident is a simulation: the platform's outages and status page stay as they are.
      if (row.severity === 'critical' && auth.isOperator && !simulated) row.outage_id = newId('outage', recordedAt);
      const overrides = await loadOverrides(deps.db);
      await deps.db.transaction().execute(async (tx) => {
        await tx.insertInto('incidents').values(row).execute();
        if (row.outage_id) await openOutage(tx, row, row.outage_id, now);
        await recordEvent(tx, {
          accountId: row.account_id,
          type: 'incident.created',
          object: toIncident(row, now, overrides, CUSTOMER),
          at: recordedAt,
        });
      });
      return toIncident(row, now, overrides, auth);
    },

    'incidents.list': async (req) => {
      const auth = authOf(req);
      const q = req.query;
      if (!auth.isOperator && q.account !== undefined && q.account !== auth.accountId) {
        throw new ProblemError('forbidden', "Only the operator lists other accounts' incidents; leave out `account`.", { param: '/query/account' });
      }
      const limit = limitOf(q);
      const filter = { accountId: auth.isOperator ? q.account : auth.accountId, status: q.status, severity: q.severity };
      const nowOf = accountTimes(deps.db, deps.clock);
      const overrides = await loadOverrides(deps.db);
      const breached = q.breached;
      let rows: IncidentRow[];
      if (breached === undefined) rows = await listIncidents(deps.db, filter, limit + 1, q.starting_after);
      else {
        // Breached or not depends on now, so it is filtered here, reading newest first in batches.
        rows = [];
        let after = q.starting_after;
        const batch = Math.max(100, limit + 1);
        for (;;) {
          const got = await listIncidents(deps.db, filter, batch, after);
          for (const r of got) {
            if (rows.length > limit) break;
            if (anyBreached(computeSla(r, (await nowOf(r.account_id)).now, overrides).sla) === breached) rows.push(r);
          }
          if (got.length < batch || rows.length > limit) break;
          after = got[got.length - 1]?.id;
        }
      }
      const page = pageOf(rows, limit);
      const data = [];
      for (const r of page.data) data.push(toIncident(r, (await nowOf(r.account_id)).now, overrides, auth));
      return { ...page, data };
    },

    'incidents.retrieve': async (req) => present(await incidentOf(deps, req), authOf(req)),

    'incidents.update': async (req) => {
      const auth = authOf(req);
      const body = req.body;
      const row = await incidentOf(deps, req);
      // The operator may update too (a description received by phone); a customer only as an authorized person.
      if (!auth.isOperator) await actingContact(deps.db, auth);
      if (row.status === 'closed') {
        throw new ProblemError('incident_transition_not_allowed', `Incident ${row.id} is closed; open a new incident for a new problem.`);
      }
      const { now, simulated } = await timeOf(row.account_id);
      const patch: Partial<IncidentRow> = { updated_at: iso(now) };
      if (body.description !== undefined) patch.description = body.description;
      // The clock starts once, at the first complete description; completing it again (or "un-completing") changes nothing.
      if (body.description_complete === true && row.description_completed_at === null) patch.description_completed_at = iso(now);
      if (body.severity !== undefined) patch.severity = body.severity;
      // As at creation: only the operator's word opens an outage.
      const openOutageNow =
        auth.isOperator && body.severity === 'critical' && !simulated && row.outage_id === null && (row.status === 'open' || row.status === 'acknowledged');
      if (openOutageNow) patch.outage_id = newId('outage', deps.clock.now());
      const after = await save(row, patch, now, async (tx, next) => {
        if (openOutageNow && next.outage_id) await openOutage(tx, next, next.outage_id, now);
      });
      return present(after, auth);
    },

    'incidents.acknowledge': async (req) => move(req, 'acknowledged'),
    'incidents.mitigate': async (req) => move(req, 'mitigated'),
    'incidents.resolve': async (req) => move(req, 'resolved'),
    'incidents.close': async (req) => move(req, 'closed'),

    'incidents.createComment': async (req) => {
      const auth = authOf(req);
      const body = req.body;
      const row = await incidentOf(deps, req);
      let author = OPERATOR;
      if (!auth.isOperator) {
        if (body.internal) {
          throw new ProblemError('forbidden', 'Internal comments are the operator’s; leave out `internal`.', { param: '/body/internal' });
        }
        author = (await actingContact(deps.db, auth)).id;
      }
      const { now } = await timeOf(row.account_id);
      const comment = await deps.db.transaction().execute((tx) => insertComment(tx, row, author, body.body, auth.isOperator && body.internal, now));
      return toComment(comment);
    },

    'incidents.listComments': async (req) => {
      const auth = authOf(req);
      const q = req.query;
      const row = await incidentOf(deps, req);
      const rows = await listComments(deps.db, row.id, auth.isOperator, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toComment) };
    },
  });
}
