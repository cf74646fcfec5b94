import { diffFlows, type FlowProblem, lintFlow } from '@prolope/rules';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { Schema } from '../http/contract.js';
import { newId } from '../ids.js';
import { isUniqueViolation, type Tx } from '../store/db.js';
import { knownObjects } from './known-objects.js';
import {
  deleteFlowRows,
  findFlow,
  findRevision,
  flowReferrers,
  type FlowRevisionRow,
  type FlowRow,
  highestRevision,
  insertFlow,
  insertRevision,
  updateFlowRow,
} from './store.js';
import { type Flow, type FlowDocument, type FlowRevision, forEngine, toFlow, toRevision } from './views.js';

export type FlowCreate = Schema<'FlowCreate'>;
export type FlowPatch = Schema<'FlowUpdate'>;
export type FlowValidation = Schema<'FlowValidation'>;
export type FlowDiff = Schema<'FlowDiff'>;

async function existingFlow(deps: Pick<Deps, 'db'>, accountId: string, id: string): Promise<FlowRow> {
  const row = await findFlow(deps.db, accountId, id);
  if (!row) throw notFound('flow', id);
  return row;
}

async function existingRevision(deps: Pick<Deps, 'db'>, accountId: string, flow: FlowRow, revision: number, param: string): Promise<FlowRevisionRow> {
  const row = await findRevision(deps.db, accountId, flow.id, revision);
  if (!row) {
    const latest = flow.latest_revision === null ? 'it has none yet (publish it first)' : `its revisions are 1 to ${flow.latest_revision}`;
    throw new ProblemError('not_found', `Flow ${flow.id} has no revision ${revision}: ${latest}.`, { param });
  }
  return row;
}

export async function createFlow(deps: Deps, accountId: string, input: FlowCreate): Promise<Flow> {
  const now = deps.clock.now();
  const row: FlowRow = {
    id: newId('flow', now),
    account_id: accountId,
    name: input.name,
    definition: JSON.stringify(input.definition),
    latest_revision: null,
    created_at: iso(now),
    updated_at: iso(now),
  };
  const flow = toFlow(row);
  await deps.db.transaction().execute(async (tx: Tx) => {
    await insertFlow(tx, row);
    await recordEvent(tx, { accountId, type: 'flow.created', object: flow, at: now });
  });
  return flow;
}

export async function updateFlow(deps: Deps, accountId: string, id: string, patch: FlowPatch): Promise<Flow> {
  const row = await existingFlow(deps, accountId, id);
  const now = deps.clock.now();
  const next: Partial<FlowRow> = { updated_at: iso(now) };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.definition !== undefined) next.definition = JSON.stringify(patch.definition);
  const flow = toFlow({ ...row, ...next });
  await deps.db.transaction().execute(async (tx: Tx) => {
    await updateFlowRow(tx, accountId, id, next);
    await recordEvent(tx, { accountId, type: 'flow.updated', object: flow, at: now });
  });
  return flow;
}

/** Refused (409) while a number routes to the flow or another flow's draft calls it as a subflow. */
export async function deleteFlow(deps: Deps, accountId: string, id: string) {
  const row = await existingFlow(deps, accountId, id);
  await deps.db.transaction().execute(async (tx: Tx) => {
    const referrers = await flowReferrers(tx, accountId, id);
    if (referrers.length > 0) {
      throw new ProblemError(
        'flow_in_use',
        `Calls still reach this flow through ${referrers.join(', ')}. Route those numbers elsewhere, or take the subflow out of those flows, first.`,
      );
    }
    await deleteFlowRows(tx, accountId, id);
    await recordEvent(tx, { accountId, type: 'flow.deleted', object: toFlow(row), at: deps.clock.now() });
  });
  return { id, object: 'flow' as const, deleted: true as const };
}

/** Every problem the static analysis finds, with the objects the flow names looked up in the account. */
async function problemsOf(deps: Pick<Deps, 'db'>, accountId: string, doc: FlowDocument): Promise<FlowProblem[]> {
  const flow = forEngine(doc);
  return lintFlow(flow, { known: await knownObjects(deps.db, accountId, flow), contactCenter: false });
}

export async function validateFlow(deps: Deps, accountId: string, id: string, body: Schema<'FlowValidateRequest'>): Promise<FlowValidation> {
  const row = await existingFlow(deps, accountId, id);
  const doc = body.definition ?? (JSON.parse(row.definition) as FlowDocument);
  const problems = await problemsOf(deps, accountId, doc);
  return { object: 'flow_validation', valid: problems.every((p) => p.severity !== 'error'), problems };
}

// Two publishes of one flow at once must not take the same number, nor leave `latest_revision` on the
// lower one. The first statement writes the flow's row, which on PostgreSQL holds its lock to the commit,
// so publishes of one flow run one after the other (and read the highest number after the previous one
// committed); SQLite runs one write transaction at a time anyway. The primary key would still refuse a
// duplicate number; a few tries cover that.
const PUBLISH_TRIES = 5;

async function appendRevision(deps: Deps, accountId: string, flow: FlowRow, definition: string, rolledBackFrom: number | null): Promise<FlowRevision> {
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    try {
      return await deps.db.transaction().execute(async (tx: Tx) => {
        // A rollback makes the old definition the draft too, so the next edit starts from what runs.
        await updateFlowRow(tx, accountId, flow.id, { updated_at: iso(now), definition });
        // Read again under the lock: the name may have changed, or the flow been deleted, meanwhile.
        const locked = await findFlow(tx, accountId, flow.id);
        if (!locked) throw notFound('flow', flow.id);
        const revision = (await highestRevision(tx, flow.id)) + 1;
        const row: FlowRevisionRow = {
          flow_id: flow.id,
          revision,
          account_id: accountId,
          name: locked.name,
          definition,
          rolled_back_from: rolledBackFrom,
          published_at: iso(now),
        };
        await insertRevision(tx, row);
        await updateFlowRow(tx, accountId, flow.id, { latest_revision: revision });
        await recordEvent(tx, { accountId, type: 'flow.published', object: toFlow({ ...locked, latest_revision: revision }), data: { revision }, at: now });
        return toRevision(row);
      });
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= PUBLISH_TRIES) throw err;
    }
  }
}

/** The draft as a new revision, unless the analysis finds an error (422 flow_invalid, every problem listed). */
export async function publishFlow(deps: Deps, accountId: string, id: string): Promise<FlowRevision> {
  const row = await existingFlow(deps, accountId, id);
  const problems = (await problemsOf(deps, accountId, JSON.parse(row.definition) as FlowDocument)).filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    throw new ProblemError(
      'flow_invalid',
      `The draft has ${problems.length} error${problems.length === 1 ? '' : 's'}, so it was not published: ${problems[0]?.message} Fix them (POST /v1/flows/${id}/validate lists them) and publish again.`,
      { errors: problems.map((p) => ({ param: p.node === null ? '/definition' : `/definition/nodes/${p.node}`, message: `${p.code}: ${p.message}` })) },
    );
  }
  return appendRevision(deps, accountId, row, row.definition, null);
}

/** A new revision with an earlier one's definition, so history stays append-only. */
export async function rollbackFlow(deps: Deps, accountId: string, id: string, revision: number): Promise<FlowRevision> {
  const row = await existingFlow(deps, accountId, id);
  const target = await existingRevision(deps, accountId, row, revision, '/body/revision');
  return appendRevision(deps, accountId, row, target.definition, revision);
}

export async function retrieveRevision(deps: Deps, accountId: string, id: string, revision: number): Promise<FlowRevision> {
  const row = await existingFlow(deps, accountId, id);
  return toRevision(await existingRevision(deps, accountId, row, revision, '/path/revision'));
}

export async function diffRevisions(deps: Deps, accountId: string, id: string, from: number, to: number): Promise<FlowDiff> {
  const row = await existingFlow(deps, accountId, id);
  const a = await existingRevision(deps, accountId, row, from, '/query/from');
  const b = await existingRevision(deps, accountId, row, to, '/query/to');
  const diff = diffFlows(forEngine(JSON.parse(a.definition) as FlowDocument), forEngine(JSON.parse(b.definition) as FlowDocument));
  return { object: 'flow_diff', flow_id: id, from, to, ...diff };
}
