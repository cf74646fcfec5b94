import { ProblemError } from '../errors.js';
import type { IncidentsTable } from '../store/schema.js';

/** The statuses in the order an incident goes through them (terms 6.1's targets, then closing). */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'mitigated', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface HistoryEntry {
  status: IncidentStatus;
  at: string;
  /** A contact id, or `prolope` for the operator. */
  by: string;
}

/** Which timestamp column a status sets: only what happened is stored (the SLA computation lets a later stage meet the earlier ones). */
const STAMP: Record<Exclude<IncidentStatus, 'open'>, 'acknowledged_at' | 'mitigated_at' | 'resolved_at' | 'closed_at'> = {
  acknowledged: 'acknowledged_at',
  mitigated: 'mitigated_at',
  resolved: 'resolved_at',
  closed: 'closed_at',
};

function rank(status: string): number {
  return INCIDENT_STATUSES.indexOf(status as IncidentStatus);
}

/**
 * The change moving an incident to `to` at `at`: forward only (skipping stages is allowed: a resolution
 * with no acknowledgement before it), never back nor to the status it already has.
 */
export function transition(row: IncidentsTable, to: Exclude<IncidentStatus, 'open'>, at: string, by: string): Partial<IncidentsTable> {
  if (rank(to) <= rank(row.status)) {
    throw new ProblemError(
      'incident_transition_not_allowed',
      row.status === to
        ? `Incident ${row.id} is already ${to}.`
        : `Incident ${row.id} is ${row.status}; it cannot go back to ${to}. Statuses only move forward: ${INCIDENT_STATUSES.join(' → ')}.`,
    );
  }
  const history = [...(JSON.parse(row.history) as HistoryEntry[]), { status: to, at, by }];
  return { status: to, [STAMP[to]]: at, history: JSON.stringify(history), updated_at: at };
}
