import type { CalendarOverrides } from '@prolope/rules';
import type { Schema } from '../http/contract.js';
import type { IncidentCommentsTable, IncidentsTable } from '../store/schema.js';
import { computeSla } from './sla.js';
import type { HistoryEntry } from './transitions.js';

export type IncidentRow = IncidentsTable;
export type CommentRow = IncidentCommentsTable;

/** Who is looking: the operator sees operator_notes and internal comments, a customer never does. */
export interface Viewer {
  isOperator: boolean;
}

export const CUSTOMER: Viewer = { isOperator: false };

export type Incident = Schema<'Incident'>;

/** A row as the API shows it at `now` (the `sla` block depends on the time). */
export function toIncident(row: IncidentRow, now: Date, overrides: CalendarOverrides, viewer: Viewer): Incident {
  return {
    id: row.id,
    object: 'incident',
    account_id: row.account_id,
    severity: row.severity as Incident['severity'],
    service: row.service as Incident['service'],
    title: row.title,
    description: row.description,
    description_completed_at: row.description_completed_at,
    status: row.status as Incident['status'],
    opened_by: row.opened_by,
    history: JSON.parse(row.history) as HistoryEntry[],
    sla: computeSla(row, now, overrides).sla,
    operator_notes: viewer.isOperator ? row.operator_notes : null,
    outage_id: row.outage_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toComment(row: CommentRow): Schema<'IncidentComment'> {
  return {
    id: row.id,
    object: 'incident_comment',
    incident_id: row.incident_id,
    author: row.author,
    body: row.body,
    internal: row.internal === 1,
    created_at: row.created_at,
  };
}
