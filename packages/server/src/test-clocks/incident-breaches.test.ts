import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import type { ApiClient } from '../test/api-client.js';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

// The server's own time, and the test account's: Tuesday 12 January 2027, 10:00 in Sofia (in support hours).
const SERVER_NOW = '2026-12-06T12:00:00.000Z';
const FROZEN = '2027-01-12T10:00:00+02:00';
const at = (s: string) => new Date(s).toISOString();

interface BreachEvent {
  created_at: string;
  data: { target: string; due_at: string; breached_by_seconds: number; object: { id: string } };
}

/**
 * A test clock drives the SLA clocks of its accounts' incidents as it drives their billing: incidents
 * opened on a test account read the clock's time, advancing the clock announces each breach once, at its
 * moment (1 s late, not the length of the jump), and the live breach job and the public status page leave
 * the simulation alone.
 */
describe.each(storeKinds)('incidents on a test clock (%s)', (kind) => {
  const server = manualClock(SERVER_NOW);
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { clock: server, config: { sipEnabled: false } });
  });
  afterAll(() => t?.close());

  async function breaches(api: ApiClient, incidentId: string): Promise<BreachEvent[]> {
    const res = await api.get(`/v1/events?type=incident.sla_breached&object_id=${incidentId}`);
    expect(res.status).toBe(200);
    return (res.body.data as BreachEvent[]).slice().reverse();
  }

  it('announces each breach once, at its due time on the clock, and keeps the simulation off the live job and /status', async () => {
    const owner = await t.customer('SLA Simulations');
    const clock = await owner.api.post('/v1/test-clocks', { name: 'sla', frozen_time: FROZEN });
    expect(clock.status, JSON.stringify(clock.body)).toBe(201);
    const created = await owner.api.post('/v1/accounts', { ...accountBody('Simulated Customer'), test_clock: clock.body.id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sim = t.client(created.body.initial_api_key.secret);
    const ctc = (await sim.post('/v1/contacts', { name: 'Ana', email: 'ana@example.com', can_open_incidents: true })).body.id;
    const ana = t.client((await sim.post('/v1/api-keys', { name: 'Ana', scopes: ['incidents:write'], contact_id: ctc })).body.secret);

    const open = (severity: string) =>
      ana.post('/v1/incidents', { severity, service: 'cloud_pbx', title: `${severity} trouble`, description: 'Calls drop after 30 s.' });
    const high = await open('high');
    expect(high.status, JSON.stringify(high.body)).toBe(201);
    const critical = await open('critical');
    expect(critical.status).toBe(201);

    // The incident lives on the clock's time: opened at 10:00 Sofia, 8 support hours due at 18:00 the same day.
    expect(high.body.created_at).toBe(at(FROZEN));
    expect(high.body.sla.started_at).toBe(at(FROZEN));
    expect(high.body.sla.initial_response).toMatchObject({ due_at: at('2027-01-12T18:00:00+02:00'), state: 'pending' });
    expect(critical.body.sla.initial_response.due_at).toBe(at('2027-01-12T11:00:00+02:00'));
    expect(critical.body.sla.temporary_solution.due_at).toBe(at('2027-01-12T18:00:00+02:00'));

    // The server's clock is years past every due time, yet the live job leaves the test account's incidents alone.
    server.set('2030-01-01T00:00:00Z');
    expect(await t.server.incidents.tick()).toBe(0);
    server.set(SERVER_NOW);
    expect(await breaches(sim, high.body.id)).toEqual([]);
    // A simulated critical incident opens no outage, and the public status page does not show it.
    expect(critical.body.outage_id).toBeNull();
    const status = await fetch(`${t.url}/status.json`).then((r) => r.json());
    expect(status.incidents.map((i: { id: string }) => i.id)).not.toContain(critical.body.id);
    expect(status.services.find((s: { service: string }) => s.service === 'cloud_pbx')?.status).toBe('operational');

    // 18:30: each target that came due in the jump is announced at its own moment.
    const advanced = await owner.api.post(`/v1/test-clocks/${clock.body.id}/advance`, { frozen_time: '2027-01-12T18:30:00+02:00' });
    expect(advanced.status, JSON.stringify(advanced.body)).toBe(200);
    const highBreaches = await breaches(sim, high.body.id);
    expect(highBreaches.map((e) => e.data)).toMatchObject([{ target: 'initial_response', due_at: at('2027-01-12T18:00:00+02:00'), breached_by_seconds: 1 }]);
    const criticalBreaches = await breaches(sim, critical.body.id);
    expect(criticalBreaches.map((e) => [e.data.target, e.data.due_at, e.data.breached_by_seconds])).toEqual([
      ['initial_response', at('2027-01-12T11:00:00+02:00'), 1],
      ['temporary_solution', at('2027-01-12T18:00:00+02:00'), 1],
    ]);
    // Events are recorded at the server's time, as billing's are; the incident reads the clock's.
    expect(highBreaches[0]?.created_at).toBe(SERVER_NOW);
    const seen = await sim.get(`/v1/incidents/${high.body.id}`);
    expect(seen.body.sla.initial_response).toMatchObject({ state: 'breached', breached_by_seconds: 30 * 60 });
    expect(seen.body.sla.temporary_solution.state).toBe('pending');

    // Acknowledging reads the clock too; a later advance announces nothing twice.
    const ack = await t.operator.post(`/v1/incidents/${high.body.id}/acknowledge`, {});
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body.sla.initial_response.met_at).toBe(at('2027-01-12T18:30:00+02:00'));
    expect(ack.body.history.at(-1)).toMatchObject({ status: 'acknowledged', at: at('2027-01-12T18:30:00+02:00') });
    expect((await owner.api.post(`/v1/test-clocks/${clock.body.id}/advance`, { frozen_time: '2027-01-13T10:00:00+02:00' })).status).toBe(200);
    expect(await breaches(sim, high.body.id)).toHaveLength(1);
    expect(await breaches(sim, critical.body.id)).toHaveLength(2);

    // Past the temporary solution's 3 support days (Friday 15 January, 10:00): announced at that moment.
    const temporaryDue = seen.body.sla.temporary_solution.due_at as string;
    expect(temporaryDue).toBe(at('2027-01-15T10:00:00+02:00'));
    expect((await owner.api.post(`/v1/test-clocks/${clock.body.id}/advance`, { frozen_time: '2027-01-20T10:00:00+02:00' })).status).toBe(200);
    expect((await breaches(sim, high.body.id)).map((e) => [e.data.target, e.data.due_at, e.data.breached_by_seconds])).toEqual([
      ['initial_response', at('2027-01-12T18:00:00+02:00'), 1],
      ['temporary_solution', temporaryDue, 1],
    ]);
    const listed = await sim.get('/v1/incidents?breached=true');
    expect(listed.body.data.map((i: { id: string }) => i.id).sort()).toEqual([high.body.id, critical.body.id].sort());
  });
});
