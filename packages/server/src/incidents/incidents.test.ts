import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import type { ApiClient } from '../test/api-client.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

const HOUR = 3_600_000;
// Tuesday 12 January 2027, 10:00 in Sofia: a working day, in support hours.
const T0 = '2027-01-12T10:00:00+02:00';

/** An authorized contact person of the account and their personal key, made with the account's admin key. */
async function person(c: { api: ApiClient }, client: (key: string) => ApiClient, canOpen = true, name = 'Georgi') {
  const res = await c.api.post('/v1/contacts', { name, email: `${name.toLowerCase()}@example.com`, role: 'technical', can_open_incidents: canOpen });
  expect(res.status).toBe(201);
  const key = await c.api.post('/v1/api-keys', { name, scopes: ['incidents:write', 'incidents:read', 'events:read'], contact_id: res.body.id });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return { ctc: res.body.id as string, api: client(key.body.secret) };
}

const incidentBody = (extra: Record<string, unknown> = {}) => ({
  severity: 'high',
  service: 'cloud_pbx',
  title: 'Calls drop after 30 seconds',
  description: 'Since 09:40 every outbound call on +35924000000 drops after 30 s.',
  ...extra,
});

describe.each(storeKinds)('incidents (%s)', (kind) => {
  const clock = manualClock(T0);
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
  });
  afterAll(() => t?.close());

  async function breachEvents(api: ApiClient, incidentId: string) {
    const res = await api.get(`/v1/events?type=incident.sla_breached&object_id=${incidentId}`);
    expect(res.status).toBe(200);
    return res.body.data as { data: { target: string; due_at: string; breached_by_seconds: number; object: { id: string } } }[];
  }

  it('opens incidents only with the personal key of an authorized contact, never for a contact named in the body', async () => {
    clock.set(T0);
    const c = await t.customer();
    const count = async () => (await c.api.get('/v1/incidents')).body.data.length;
    // The account's own admin key is nobody in particular.
    const accountKey = await c.api.post('/v1/incidents', incidentBody());
    expect(accountKey.status).toBe(403);
    expect(accountKey.body.code).toBe('contact_not_authorized');
    expect(accountKey.body.detail).toContain('personal API key');
    // The reported hole: any incidents:write key named an authorized contact as the opener.
    const ana = await person(c, t.client, true, 'Ana');
    const writer = t.client((await c.api.post('/v1/api-keys', { name: 'bot', scopes: ['incidents:write', 'incidents:read'] })).body.secret);
    const named = await writer.post('/v1/incidents', incidentBody({ contact: ana.ctc }));
    expect(named.status).toBe(403);
    expect(named.body).toMatchObject({ code: 'forbidden', param: '/body/contact' });
    expect((await writer.post('/v1/incidents', incidentBody())).body.code).toBe('contact_not_authorized');
    // A person's key cannot name somebody else either.
    const viewer = await person(c, t.client, false, 'Viewer');
    const asAna = await viewer.api.post('/v1/incidents', incidentBody({ contact: ana.ctc }));
    expect(asAna.status).toBe(403);
    expect(asAna.body.param).toBe('/body/contact');
    const refused = await viewer.api.post('/v1/incidents', incidentBody());
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('contact_not_authorized');
    expect(refused.body.detail).toContain('can_open_incidents');
    expect(await count()).toBe(0);
    // Only an admin makes a person authorized; then the same key works, and the opener is the key's contact.
    expect((await c.api.patch(`/v1/contacts/${viewer.ctc}`, { can_open_incidents: true })).status).toBe(200);
    const opened = await viewer.api.post('/v1/incidents', incidentBody());
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.opened_by).toBe(viewer.ctc);
    // ... and an admin takes it back: the key stays, but may no longer act on incidents.
    expect((await c.api.patch(`/v1/contacts/${viewer.ctc}`, { can_open_incidents: false })).status).toBe(200);
    expect((await viewer.api.post(`/v1/incidents/${opened.body.id}/comments`, { body: 'still here?' })).body.code).toBe('contact_not_authorized');
    expect(await count()).toBe(1);
    // Another account's person sees nothing here.
    const other = await person(await t.customer(), t.client);
    expect((await other.api.get(`/v1/incidents/${opened.body.id}`)).status).toBe(404);
    expect((await other.api.post(`/v1/incidents/${opened.body.id}/comments`, { body: 'hi' })).status).toBe(404);
  });

  it('refuses the old body field `contact` on update, close and comments (400 unknown_field)', async () => {
    clock.set(T0);
    const c = await t.customer();
    const p = await person(c, t.client);
    const inc = (await p.api.post('/v1/incidents', incidentBody())).body;
    for (const [path, body] of [
      [`/v1/incidents/${inc.id}`, { contact: p.ctc, description: 'x' }],
      [`/v1/incidents/${inc.id}/close`, { contact: p.ctc }],
      [`/v1/incidents/${inc.id}/comments`, { contact: p.ctc, body: 'x' }],
    ] as const) {
      const res = await p.api.post(path, body);
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ code: 'unknown_field', param: '/body/contact' });
    }
    expect((await p.api.get(`/v1/incidents/${inc.id}`)).body).toMatchObject({ description: inc.description, status: 'open' });
  });

  it('starts the clock at the complete description, on support hours for a high incident', async () => {
    clock.set(T0);
    const c = await t.customer();
    const { ctc, api } = await person(c, t.client);
    const created = await api.post('/v1/incidents', incidentBody({ description_complete: false }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'open', opened_by: ctc, description_completed_at: null, operator_notes: null, outage_id: null });
    expect(created.body.history).toEqual([{ status: 'open', at: '2027-01-12T08:00:00.000Z', by: ctc }]);
    expect(created.body.sla).toMatchObject({
      clock: 'support_hours',
      started_at: null,
      initial_response: { due_at: null, met_at: null, state: 'not_started', breached_by_seconds: 0 },
    });

    clock.advance(2 * HOUR);
    const completed = await api.post(`/v1/incidents/${created.body.id}`, { description_complete: true, description: 'Full details attached.' });
    expect(completed.status).toBe(200);
    expect(completed.body.description).toBe('Full details attached.');
    expect(completed.body.sla.started_at).toBe('2027-01-12T10:00:00.000Z');
    // From Tuesday 12:00: 6 support hours to 18:00, 2 more from Wednesday 09:00.
    expect(completed.body.sla.initial_response).toEqual({ due_at: '2027-01-13T09:00:00.000Z', met_at: null, state: 'pending', breached_by_seconds: 0 });
    expect(completed.body.sla.temporary_solution.due_at).toBe('2027-01-15T10:00:00.000Z');

    // Completing it again does not move the start.
    clock.advance(HOUR);
    const again = await api.post(`/v1/incidents/${created.body.id}`, { description_complete: true });
    expect(again.body.sla.started_at).toBe('2027-01-12T10:00:00.000Z');
    // A severity change recomputes from the same start: critical runs around the clock, so it is late already.
    clock.advance(HOUR);
    const critical = await api.post(`/v1/incidents/${created.body.id}`, { severity: 'critical' });
    expect(critical.body.sla).toMatchObject({
      clock: '24x7',
      started_at: '2027-01-12T10:00:00.000Z',
      initial_response: { due_at: '2027-01-12T11:00:00.000Z', state: 'breached', breached_by_seconds: 3600 },
    });
    // The severity change announced it in the same transaction; the job does not repeat it.
    expect(await t.server.incidents.tick()).toBe(0);
    expect((await breachEvents(c.api, created.body.id)).map((e) => e.data.target)).toEqual(['initial_response']);
  });

  it('announces a breach once per target, at the right moment', async () => {
    clock.set(T0);
    const c = await t.customer();
    const { api } = await person(c, t.client);
    const inc = (await api.post('/v1/incidents', incidentBody({ severity: 'critical' }))).body;
    expect(inc.sla.clock).toBe('24x7');
    const due = new Date(inc.sla.initial_response.due_at).getTime();
    expect(due).toBe(new Date(T0).getTime() + HOUR);

    clock.set(new Date(due - 1000));
    expect(await t.server.incidents.tick()).toBe(0);
    expect(await breachEvents(c.api, inc.id)).toEqual([]);

    clock.set(new Date(due + 1000));
    expect(await t.server.incidents.tick()).toBe(1);
    const events = await breachEvents(c.api, inc.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ target: 'initial_response', due_at: inc.sla.initial_response.due_at, breached_by_seconds: 1 });
    expect(events[0]?.data.object.id).toBe(inc.id);

    expect(await t.server.incidents.tick()).toBe(0);
    expect(await breachEvents(c.api, inc.id)).toHaveLength(1);

    // Acknowledged late, mitigated in time: the temporary solution is never breached.
    clock.set(new Date(due + 10 * 60_000));
    const ack = await t.operator.post(`/v1/incidents/${inc.id}/acknowledge`, {});
    expect(ack.body.sla.initial_response).toMatchObject({ state: 'breached', breached_by_seconds: 600 });
    // Every change is announced as incident.updated, with the incident as it is now.
    const updated = await c.api.get(`/v1/events?type=incident.updated&object_id=${inc.id}`);
    expect(updated.body.data).toHaveLength(1);
    expect(updated.body.data[0].data.object).toMatchObject({ id: inc.id, status: 'acknowledged', sla: { initial_response: { state: 'breached' } } });
    clock.set(new Date(due + 5 * HOUR));
    const mitigated = await t.operator.post(`/v1/incidents/${inc.id}/mitigate`, {});
    expect(mitigated.body.sla.temporary_solution).toMatchObject({ state: 'met', breached_by_seconds: 0 });
    clock.set(new Date(due + 9 * HOUR));
    await t.server.incidents.tick();
    expect((await breachEvents(c.api, inc.id)).map((e) => e.data.target)).toEqual(['initial_response']);
    const listed = await c.api.get('/v1/incidents?breached=true');
    expect(listed.body.data.map((i: { id: string }) => i.id)).toEqual([inc.id]);
    expect((await c.api.get('/v1/incidents?breached=false')).body.data).toEqual([]);
  });

  it('announces a breach once when several workers tick at the same time', async () => {
    clock.set(T0);
    const c = await t.customer();
    const { api } = await person(c, t.client);
    const inc = (await api.post('/v1/incidents', incidentBody({ severity: 'critical' }))).body;
    // Past the temporary solution: two targets breached at once.
    clock.set(new Date(new Date(T0).getTime() + 9 * HOUR));
    const counts = await Promise.all([t.server.incidents.tick(), t.server.incidents.tick(), t.server.incidents.tick()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    const events = await breachEvents(c.api, inc.id);
    expect(events.map((e) => e.data.target).sort()).toEqual(['initial_response', 'temporary_solution']);
    const rows = await t.server.store.db.selectFrom('incident_breaches').selectAll().where('incident_id', '=', inc.id).execute();
    expect(rows).toHaveLength(2);
  });

  it('moves forward only, hides operator notes and internal comments from the customer', async () => {
    clock.set(T0);
    const c = await t.customer();
    const { ctc, api } = await person(c, t.client);
    const inc = (await api.post('/v1/incidents', incidentBody())).body;

    // Acknowledging is the operator's.
    expect((await c.api.post(`/v1/incidents/${inc.id}/acknowledge`, {})).status).toBe(403);
    clock.advance(HOUR);
    const ack = await t.operator.post(`/v1/incidents/${inc.id}/acknowledge`, { note: 'Looking into it.', operator_notes: 'Carrier X trunk flapping' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', operator_notes: 'Carrier X trunk flapping' });
    expect(ack.body.sla.initial_response).toMatchObject({ state: 'met', met_at: '2027-01-12T09:00:00.000Z' });
    // A customer may not close before the resolution.
    const early = await api.post(`/v1/incidents/${inc.id}/close`, {});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('incident_transition_not_allowed');

    // Skipping forward is allowed: resolved without a separate temporary solution meets it too.
    clock.advance(HOUR);
    const resolved = await t.operator.post(`/v1/incidents/${inc.id}/resolve`, {});
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.sla.temporary_solution).toMatchObject({ state: 'met', met_at: '2027-01-12T10:00:00.000Z' });
    const back = await t.operator.post(`/v1/incidents/${inc.id}/mitigate`, {});
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('incident_transition_not_allowed');
    expect((await t.operator.post(`/v1/incidents/${inc.id}/resolve`, {})).status).toBe(409);

    const mine = await c.api.get(`/v1/incidents/${inc.id}`);
    expect(mine.body.operator_notes).toBeNull();
    expect(mine.body.history.map((h: { status: string; by: string }) => `${h.status}:${h.by}`)).toEqual([
      `open:${ctc}`,
      'acknowledged:prolope',
      'resolved:prolope',
    ]);

    expect((await t.operator.post(`/v1/incidents/${inc.id}/comments`, { body: 'Escalated to carrier X', internal: true })).status).toBe(201);
    const comment = await api.post(`/v1/incidents/${inc.id}/comments`, { body: 'Works again, thanks' });
    expect(comment.status).toBe(201);
    expect(comment.body.author).toBe(ctc);
    expect((await c.api.post(`/v1/incidents/${inc.id}/comments`, { body: 'No person' })).body.code).toBe('contact_not_authorized');
    expect((await api.post(`/v1/incidents/${inc.id}/comments`, { body: 'x', internal: true })).status).toBe(403);
    const customerComments = (await c.api.get(`/v1/incidents/${inc.id}/comments`)).body.data.map((x: { body: string }) => x.body);
    expect(customerComments).toEqual(['Looking into it.', 'Works again, thanks']);
    const operatorComments = (await t.operator.get(`/v1/incidents/${inc.id}/comments`)).body.data.map((x: { body: string }) => x.body);
    expect(operatorComments).toEqual(['Looking into it.', 'Escalated to carrier X', 'Works again, thanks']);

    expect((await c.api.post(`/v1/incidents/${inc.id}/close`, {})).body.code).toBe('contact_not_authorized');
    const closed = await api.post(`/v1/incidents/${inc.id}/close`, {});
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.history.at(-1)).toMatchObject({ status: 'closed', by: ctc });

    // Other accounts get 404; the operator sees every account's and filters by account.
    const other = await t.customer();
    expect((await other.api.get(`/v1/incidents/${inc.id}`)).status).toBe(404);
    const ops = await t.operator.get(`/v1/incidents?account=${c.accountId}`);
    expect(ops.body.data.map((i: { id: string }) => i.id)).toEqual([inc.id]);
    expect(ops.body.data[0].operator_notes).toBe('Carrier X trunk flapping');
    expect((await other.api.get(`/v1/incidents?account=${c.accountId}`)).status).toBe(403);
    expect((await t.operator.get(`/v1/incidents?status=closed&account=${other.accountId}`)).body.data).toEqual([]);
  });

  it("takes a customer's critical incident as a report: no outage, nothing on /status, until the operator confirms it", async () => {
    clock.set(T0);
    const c = await t.customer();
    const { api } = await person(c, t.client);
    const db = t.server.store.db;
    const outageCount = async () => Number((await db.selectFrom('outages').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await outageCount();
    const inc = (await api.post('/v1/incidents', incidentBody({ severity: 'critical', service: 'sip_trunking', title: '<b>ALL DOWN</b>' }))).body;
    // The SLA clock runs (24/7), but the service is not down for everyone on one customer's word.
    expect(inc.sla).toMatchObject({ clock: '24x7', started_at: '2027-01-12T08:00:00.000Z' });
    expect(inc.outage_id).toBeNull();
    expect(await outageCount()).toBe(before);
    const quiet = (await t.client().get('/status.json')).body;
    expect(quiet.services.find((s: { service: string }) => s.service === 'sip_trunking').status).toBe('operational');
    expect(JSON.stringify(quiet)).not.toContain(inc.id);
    // Raising another to critical is no outage either; nor can the customer record one.
    const high = (await api.post('/v1/incidents', incidentBody({ service: 'api' }))).body;
    expect((await api.post(`/v1/incidents/${high.id}`, { severity: 'critical' })).body.outage_id).toBeNull();
    expect((await c.api.post('/v1/outages', { incident_id: inc.id })).status).toBe(403);
    expect(await outageCount()).toBe(before);
    expect((await c.api.get('/v1/uptime?month=2027-01&service=api')).body.services[0].downtime_minutes).toBe(0);

    // The operator confirms it: an outage from the incident's start, linked both ways.
    clock.advance(HOUR / 2);
    const confirmed = await t.operator.post('/v1/outages', { incident_id: inc.id, description: 'SIP trunking unavailable' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    expect(confirmed.body).toMatchObject({ service: 'sip_trunking', started_at: '2027-01-12T08:00:00.000Z', ended_at: null, incident_id: inc.id });
    expect((await api.get(`/v1/incidents/${inc.id}`)).body.outage_id).toBe(confirmed.body.id);
    const updated = (await api.get(`/v1/events?type=incident.updated&object_id=${inc.id}`)).body.data;
    expect(updated.at(-1).data.object.outage_id).toBe(confirmed.body.id);
    const down = (await t.client().get('/status.json')).body;
    expect(down.services.find((s: { service: string }) => s.service === 'sip_trunking').status).toBe('outage');
    expect(down.incidents).toEqual([
      { id: confirmed.body.id, severity: 'critical', service: 'sip_trunking', status: 'open', started_at: '2027-01-12T08:00:00.000Z' },
    ]);
    for (const hidden of [inc.id, c.accountId, 'ALL DOWN', inc.description]) expect(JSON.stringify(down)).not.toContain(hidden);
    // Once is enough; an unknown incident is 422.
    const twice = await t.operator.post('/v1/outages', { incident_id: inc.id });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('incident_transition_not_allowed');
    expect((await t.operator.post('/v1/outages', { incident_id: 'inc_01JXXXXXXXXXXXXXXXXXXXXXXX' })).body.code).toBe('invalid_reference');
    const bare = await t.operator.post('/v1/outages', { description: 'no service' });
    expect(bare.status).toBe(400);
    expect(bare.body.param).toBe('/body/service');

    // The temporary solution ends it: degraded while the incident is not resolved, then operational.
    clock.advance(3 * HOUR);
    expect((await t.operator.post(`/v1/incidents/${inc.id}/mitigate`, { note: 'Rerouted via the backup carrier' })).status).toBe(200);
    const ended = await db.selectFrom('outages').selectAll().where('id', '=', confirmed.body.id).executeTakeFirstOrThrow();
    expect(ended.ended_at).toBe('2027-01-12T11:30:00.000Z');
    expect((await t.client().get('/status.json')).body.services.find((s: { service: string }) => s.service === 'sip_trunking').status).toBe('degraded');
    expect((await t.operator.post(`/v1/incidents/${inc.id}/resolve`, {})).status).toBe(200);
    const after = (await t.client().get('/status.json')).body;
    expect(after.services.find((s: { service: string }) => s.service === 'sip_trunking').status).toBe('operational');
    expect(after.incidents).toEqual([]);
  });

  it.each([
    ['', 400],
    ['inc_', 400],
    ['out_01JXXXXXXXXXXXXXXXXXXXXXXX', 400],
    ['inc_../../x', 400],
    [12, 400],
    [null, 400],
    ['inc_01JZZZZZZZZZZZZZZZZZZZZZZZ', 422],
  ])('refuses %j as the incident an outage confirms (%i), and writes nothing', async (incidentId, status) => {
    const db = t.server.store.db;
    const count = async () => Number((await db.selectFrom('outages').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const res = await t.operator.post('/v1/outages', { incident_id: incidentId });
    expect(res.status).toBe(status);
    expect(res.body.param).toBe('/body/incident_id');
    expect(await count()).toBe(before);
  });

  it('opens an outage at once for a critical incident the operator opens, which the temporary solution ends', async () => {
    clock.set(T0);
    const c = await t.customer();
    const { ctc } = await person(c, t.client);
    const inc = (await t.operator.post('/v1/incidents', incidentBody({ contact: ctc, severity: 'critical', service: 'sip_trunking' }))).body;
    expect(inc.outage_id).toMatch(/^out_/);
    const db = t.server.store.db;
    const open = await db.selectFrom('outages').selectAll().where('id', '=', inc.outage_id).executeTakeFirstOrThrow();
    expect(open).toMatchObject({ service: 'sip_trunking', started_at: '2027-01-12T08:00:00.000Z', ended_at: null, incident_id: inc.id });
    clock.advance(3 * HOUR);
    expect((await t.operator.post(`/v1/incidents/${inc.id}/mitigate`, { note: 'Rerouted via the backup carrier' })).status).toBe(200);
    const ended = await db.selectFrom('outages').selectAll().where('id', '=', inc.outage_id).executeTakeFirstOrThrow();
    expect(ended.ended_at).toBe('2027-01-12T11:00:00.000Z');
    // A high incident opens none.
    expect((await t.operator.post('/v1/incidents', incidentBody({ contact: ctc }))).body.outage_id).toBeNull();
    await t.operator.post(`/v1/incidents/${inc.id}/resolve`, {});
  });

  it('lets the operator open an incident for a customer by naming its contact, never for itself', async () => {
    clock.set(T0);
    const c = await t.customer();
    const { ctc } = await person(c, t.client);
    const byPhone = await t.operator.post('/v1/incidents', incidentBody({ contact: ctc, severity: 'critical' }));
    expect(byPhone.status).toBe(201);
    expect(byPhone.body).toMatchObject({ account_id: c.accountId, opened_by: ctc });
    expect((await c.api.get(`/v1/incidents/${byPhone.body.id}`)).status).toBe(200);
    const created = (await c.api.get('/v1/events?type=incident.created')).body.data;
    expect(created.map((e: { data: { object: { id: string } } }) => e.data.object.id)).toContain(byPhone.body.id);
  });
});
