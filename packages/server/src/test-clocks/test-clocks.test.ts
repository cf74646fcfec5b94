import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

describe.each(storeKinds)('test clocks API (%s)', (kind) => {
  let t: TestServer;
  let owner: Awaited<ReturnType<TestServer['customer']>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    owner = await t.customer('Clock Owner');
  });
  afterAll(() => t?.close());

  it('creates, lists and retrieves its own clocks with the attached accounts', async () => {
    const created = await owner.api.post('/v1/test-clocks', { name: 'Q1', frozen_time: '2027-01-01T08:00:00+02:00' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'test_clock', name: 'Q1', frozen_time: '2027-01-01T06:00:00.000Z', status: 'ready', account_ids: [] });
    const sub = await owner.api.post('/v1/accounts', { ...accountBody('On the clock'), test_clock: created.body.id });
    expect(sub.status).toBe(201);
    expect(sub.body.test_clock).toBe(created.body.id);
    const got = await owner.api.get(`/v1/test-clocks/${created.body.id}`);
    expect(got.body.account_ids).toEqual([sub.body.id]);
    const list = await owner.api.get('/v1/test-clocks');
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(created.body.id);
    const other = await t.customer('Other');
    expect((await other.api.get(`/v1/test-clocks/${created.body.id}`)).status).toBe(404);
    expect((await other.api.get('/v1/test-clocks')).body.data).toEqual([]);
  });

  it('advances forward only, by at most two years', async () => {
    const clock = (await owner.api.post('/v1/test-clocks', { frozen_time: '2027-01-01T08:00:00+02:00' })).body;
    const back = await owner.api.post(`/v1/test-clocks/${clock.id}/advance`, { frozen_time: '2026-12-31T08:00:00+02:00' });
    expect(back.status).toBe(422);
    expect(back.body.code).toBe('test_clock_advance_invalid');
    const same = await owner.api.post(`/v1/test-clocks/${clock.id}/advance`, { frozen_time: clock.frozen_time });
    expect(same.body.code).toBe('test_clock_advance_invalid');
    const far = await owner.api.post(`/v1/test-clocks/${clock.id}/advance`, { frozen_time: '2029-01-02T08:00:00+02:00' });
    expect(far.body.code).toBe('test_clock_advance_invalid');
    const ok = await owner.api.post(`/v1/test-clocks/${clock.id}/advance`, { frozen_time: '2029-01-01T08:00:00+02:00' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ frozen_time: '2029-01-01T06:00:00.000Z', status: 'ready' });
  });
});
