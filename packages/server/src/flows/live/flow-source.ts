import type { FlowDocument } from '@prolope/rules';
import type { Db } from '../../store/db.js';
import { findFlow, findRevision } from '../store.js';
import { forEngine, type FlowDocument as SpecFlowDocument } from '../views.js';

/** A published revision as a call runs it. */
export interface RunnableFlow {
  flowId: string;
  revision: number;
  document: FlowDocument;
}

/**
 * The revision a call (or a subflow node) runs: `revision` when pinned, else the latest published at
 * this moment. Undefined when the account has no such flow or revision (deleted or unpublished since
 * the route was set: a race with the delete check), so the caller can end the call plainly.
 */
export async function loadRunnableFlow(db: Db, accountId: string, flowId: string, revision?: number): Promise<RunnableFlow | undefined> {
  const flow = await findFlow(db, accountId, flowId);
  const wanted = revision ?? (flow?.latest_revision === null || flow?.latest_revision === undefined ? undefined : Number(flow.latest_revision));
  if (!flow || wanted === undefined) return undefined;
  const row = await findRevision(db, accountId, flowId, wanted);
  if (!row) return undefined;
  return { flowId, revision: Number(row.revision), document: forEngine(JSON.parse(row.definition) as SpecFlowDocument) };
}
