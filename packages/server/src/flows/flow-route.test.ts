import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownNumber } from '../numbers/test-fixtures.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/** A number's `{type: 'flow'}` route (issue 18 item 2): only the account's published flows, pinned or following the latest. */
describe.each(storeKinds)('a number routed to a flow (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { sipEnabled: false } });
  });
  afterAll(() => t?.close());
  type Client = Awaited<ReturnType<TestServer['customer']>>;
  const db = () => t.server.store.db;
  const hello = { start: 'hi', nodes: { hi: { type: 'say', text: 'Hello.', next: 'bye' }, bye: { type: 'hangup' } } };
  const newFlow = async (c: Client, publish: number) => {
    const flow = (await c.api.post('/v1/flows', { name: 'Line', definition: hello })).body as { id: string };
    for (let i = 0; i < publish; i++) expect((await c.api.post(`/v1/flows/${flow.id}/publish`)).status).toBe(201);
    return flow;
  };

  it('routes to a published flow, following the latest or pinned to a revision, also as a schedule route’s closed side', async () => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const flow = await newFlow(c, 2);
    for (const route of [
      { type: 'flow', flow_id: flow.id },
      { type: 'flow', flow_id: flow.id, revision: 1 },
      { type: 'flow', flow_id: flow.id, revision: 2 },
    ]) {
      const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.route).toEqual(route);
      expect((await c.api.get(`/v1/numbers/${n.id}`)).body.route).toEqual(route);
    }
    const schedule = (
      await c.api.post('/v1/schedules', { name: 'Office', time_zone: 'Europe/Sofia', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] })
    ).body;
    const route = {
      type: 'schedule',
      schedule_id: schedule.id,
      open: { type: 'flow', flow_id: flow.id },
      closed: { type: 'flow', flow_id: flow.id, revision: 1 },
    };
    const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.route).toEqual(route);
  });

  it('refuses a draft-only flow (422 flow_not_published) and a revision the flow lacks (422 flow_revision_not_found), writing nothing', async () => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const draft = await newFlow(c, 0);
    const published = await newFlow(c, 1);
    const schedule = (
      await c.api.post('/v1/schedules', { name: 'Office', time_zone: 'Europe/Sofia', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] })
    ).body;
    const before = await dbSnapshot(db());
    const cases = [
      [{ type: 'flow', flow_id: draft.id }, 'flow_not_published', '/body/route/flow_id', draft.id],
      [{ type: 'flow', flow_id: published.id, revision: 2 }, 'flow_revision_not_found', '/body/route/revision', 'revisions 1 to 1'],
      [
        { type: 'schedule', schedule_id: 'sch_x', open: { type: 'flow', flow_id: draft.id }, closed: { type: 'flow', flow_id: draft.id } },
        'invalid_reference',
        '/body/route/schedule_id',
        'sch_x',
      ],
    ] as const;
    for (const [route, code, param, named] of cases) {
      const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
      expect(res.status).toBe(422);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code, param });
      expect(res.body.detail).toContain(named);
    }
    const closedDraft = await c.api.patch(`/v1/numbers/${n.id}`, {
      route: { type: 'schedule', schedule_id: schedule.id, open: { type: 'flow', flow_id: published.id }, closed: { type: 'flow', flow_id: draft.id } },
    });
    expect(closedDraft.status).toBe(422);
    expect(closedDraft.body).toMatchObject({ code: 'flow_not_published', param: '/body/route/closed/flow_id' });
    // Revision 0 and a malformed id never reach the store: the schema refuses them.
    for (const route of [{ type: 'flow', flow_id: published.id, revision: 0 }, { type: 'flow', flow_id: 'flow_1' }, { type: 'flow' }]) {
      const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
      expect(res.status).toBe(400);
      // A oneOf's failure may read as a field another branch does not take.
      expect(['validation_failed', 'unknown_field']).toContain(res.body.code);
    }
    expect((await c.api.get(`/v1/numbers/${n.id}`)).body.route).toBeNull();
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it("tenant isolation: another account's flow, or an unknown one, is 422 invalid_reference naming only the id sent", async () => {
    const c = await t.customer();
    const other = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const theirs = await newFlow(other, 1);
    for (const id of [theirs.id, 'flw_01NOSUCHFLOW']) {
      for (const route of [
        { type: 'flow', flow_id: id },
        { type: 'flow', flow_id: id, revision: 1 },
      ]) {
        const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'invalid_reference', param: '/body/route/flow_id' });
        expect(res.body.detail).toContain(id);
        expect(res.body.detail).not.toContain('revision');
      }
    }
    expect((await c.api.get(`/v1/numbers/${n.id}`)).body.route).toBeNull();
    // Their flow stays deletable: our refused route never pointed at it.
    expect((await other.api.delete(`/v1/flows/${theirs.id}`)).status).toBe(200);
  });

  it('a flow a number routes to (directly or through a schedule) cannot be deleted (409 flow_in_use) until the route changes', async () => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const flow = await newFlow(c, 1);
    const schedule = (
      await c.api.post('/v1/schedules', { name: 'Office', time_zone: 'Europe/Sofia', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] })
    ).body;
    const vm = (await c.api.post('/v1/voicemail-boxes', { name: 'B', pin: '1234' })).body;
    for (const route of [
      { type: 'flow', flow_id: flow.id, revision: 1 },
      { type: 'schedule', schedule_id: schedule.id, open: { type: 'voicemail_box', voicemail_box_id: vm.id }, closed: { type: 'flow', flow_id: flow.id } },
    ]) {
      expect((await c.api.patch(`/v1/numbers/${n.id}`, { route })).status).toBe(200);
      const refused = await c.api.delete(`/v1/flows/${flow.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'flow_in_use' });
      expect(refused.body.detail).toContain(n.id);
    }
    expect((await c.api.patch(`/v1/numbers/${n.id}`, { route: null })).status).toBe(200);
    expect((await c.api.delete(`/v1/flows/${flow.id}`)).status).toBe(200);
  });
});
