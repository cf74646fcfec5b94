import type { FlowDocument as RulesFlowDocument } from '@prolope/rules';
import type { Schema } from '../http/contract.js';
import type { FlowRevisionRow, FlowRow } from './store.js';

export type Flow = Schema<'Flow'>;
export type FlowRevision = Schema<'FlowRevision'>;
export type FlowDocument = Schema<'FlowDocument'>;

/** The spec's document must stay readable by the pure engine: this fails to compile when they drift apart. */
export function forEngine(doc: FlowDocument): RulesFlowDocument {
  return doc;
}

export function toFlow(row: FlowRow): Flow {
  return {
    id: row.id,
    object: 'flow' as const,
    account_id: row.account_id,
    name: row.name,
    definition: JSON.parse(row.definition) as FlowDocument,
    latest_revision: row.latest_revision === null ? null : Number(row.latest_revision),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toRevision(row: FlowRevisionRow): FlowRevision {
  return {
    object: 'flow_revision' as const,
    flow_id: row.flow_id,
    revision: Number(row.revision),
    name: row.name,
    definition: JSON.parse(row.definition) as FlowDocument,
    rolled_back_from: row.rolled_back_from === null ? null : Number(row.rolled_back_from),
    published_at: row.published_at,
  };
}
