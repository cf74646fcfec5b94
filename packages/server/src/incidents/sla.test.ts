import { describe, expect, it } from 'vitest';
import { noOverrides } from '@prolope/rules';
import type { IncidentsTable } from '../store/schema.js';
import { anyBreached, computeSla } from './sla.js';
import { transition } from './transitions.js';

const row = (patch: Partial<IncidentsTable> = {}): IncidentsTable => ({
  id: 'inc_1',
  account_id: 'acct_1',
  severity: 'critical',
  service: 'api',
  title: 't',
  description: 'd',
  description_completed_at: '2027-01-12T08:00:00.000Z',
  status: 'open',
  opened_by: 'ctc_1',
  history: '[]',
  acknowledged_at: null,
  mitigated_at: null,
  resolved_at: null,
  closed_at: null,
  operator_notes: null,
  outage_id: null,
  created_at: '2027-01-12T08:00:00.000Z',
  updated_at: '2027-01-12T08:00:00.000Z',
  ...patch,
});

describe('the sla block', () => {
  it('shows nothing due before the description is complete', () => {
    const { sla, evaluation } = computeSla(row({ description_completed_at: null, severity: 'low' }), new Date('2027-03-01T00:00:00Z'), noOverrides);
    expect(evaluation).toBeNull();
    expect(sla).toMatchObject({ clock: 'support_hours', started_at: null, final_resolution: { due_at: null, state: 'not_started', breached_by_seconds: 0 } });
    expect(anyBreached(sla)).toBe(false);
  });

  it('lets a resolution meet the earlier targets, and counts a late one as breached by whole seconds rounded up', () => {
    const resolved = row({ resolved_at: '2027-01-12T08:40:00.000Z' });
    const { sla } = computeSla(resolved, new Date('2027-01-20T00:00:00Z'), noOverrides);
    for (const target of ['initial_response', 'temporary_solution', 'final_resolution'] as const) {
      expect(sla[target]).toMatchObject({ state: 'met', met_at: '2027-01-12T08:40:00.000Z', breached_by_seconds: 0 });
    }
    const late = computeSla(row({ acknowledged_at: '2027-01-12T09:00:00.001Z' }), new Date('2027-01-12T10:00:00Z'), noOverrides).sla;
    expect(late.initial_response).toMatchObject({ state: 'breached', met_at: '2027-01-12T09:00:00.001Z', breached_by_seconds: 1 });
    expect(late.temporary_solution).toMatchObject({ state: 'pending', met_at: null });
    expect(anyBreached(late)).toBe(true);
  });

  it('is in time at exactly the due time', () => {
    const { sla } = computeSla(row(), new Date('2027-01-12T09:00:00.000Z'), noOverrides);
    expect(sla.initial_response.state).toBe('pending');
  });
});

describe('transitions', () => {
  it('moves forward, skipping stages, and stores only what happened', () => {
    const patch = transition(row(), 'resolved', '2027-01-12T09:00:00.000Z', 'prolope');
    expect(patch).toMatchObject({ status: 'resolved', resolved_at: '2027-01-12T09:00:00.000Z' });
    expect(patch.acknowledged_at).toBeUndefined();
    expect(JSON.parse(patch.history as string)).toEqual([{ status: 'resolved', at: '2027-01-12T09:00:00.000Z', by: 'prolope' }]);
  });

  it('refuses going back or repeating', () => {
    expect(() => transition(row({ status: 'mitigated' }), 'acknowledged', 'x', 'prolope')).toThrow(/cannot go back/);
    expect(() => transition(row({ status: 'closed' }), 'closed', 'x', 'prolope')).toThrow(/already closed/);
  });
});
