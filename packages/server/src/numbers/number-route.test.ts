import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { ownNumber } from './test-fixtures.js';

/** `route` on a number (issue 17): calls to it go to a SIP user of the same account instead of `voice`. */
describe.each(storeKinds)('number route (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const eventsOf = async (objectId: string) =>
    (await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', objectId).orderBy('id').execute()).map((e) => e.type);

  it('routes to a SIP user of the account (ring_timeout defaults to 30), shows it, clears it with null; number.updated each time', async () => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    expect(n.route).toBeNull();
    const user = (await c.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    const set = await c.api.patch(`/v1/numbers/${n.id}`, { route: { type: 'sip_user', sip_user_id: user.id } });
    expect(set.status).toBe(200);
    expect(set.body.route).toEqual({ type: 'sip_user', sip_user_id: user.id, ring_timeout: 30 });
    expect((await c.api.get(`/v1/numbers/${n.id}`)).body.route).toEqual({ type: 'sip_user', sip_user_id: user.id, ring_timeout: 30 });
    const timed = await c.api.patch(`/v1/numbers/${n.id}`, { route: { type: 'sip_user', sip_user_id: user.id, ring_timeout: 45 } });
    expect(timed.body.route.ring_timeout).toBe(45);
    const cleared = await c.api.patch(`/v1/numbers/${n.id}`, { route: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.route).toBeNull();
    expect(await eventsOf(n.id)).toEqual(['number.purchased', 'number.updated', 'number.updated', 'number.updated']);
  });

  it("tenant isolation: another account's SIP user, or an unknown one, is refused with 422 invalid_reference and nothing changes", async () => {
    const c = await t.customer();
    const other = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const theirs = (await other.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    for (const id of [theirs.id, 'sipu_01NOSUCHUSER']) {
      const res = await c.api.patch(`/v1/numbers/${n.id}`, { route: { type: 'sip_user', sip_user_id: id } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'invalid_reference', param: '/body/route/sip_user_id' });
      // The message names the id the caller sent, never anything of the other account.
      expect(res.body.detail).toContain(id);
    }
    expect((await c.api.get(`/v1/numbers/${n.id}`)).body).toEqual(n);
    // And the other account cannot route a number it does not hold.
    expect((await other.api.patch(`/v1/numbers/${n.id}`, { route: { type: 'sip_user', sip_user_id: theirs.id } })).status).toBe(404);
    expect(await eventsOf(n.id)).toEqual(['number.purchased']);
  });

  it("routes to the account's ring group or voicemail box; another account's, or an unknown one, is 422 invalid_reference", async () => {
    const c = await t.customer();
    const other = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const user = (await c.api.post('/v1/sip-users', { username: '201' })).body;
    const group = (await c.api.post('/v1/ring-groups', { name: 'G', members: [{ sip_user_id: user.id }] })).body;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'B', pin: '1234' })).body;
    for (const route of [
      { type: 'ring_group', ring_group_id: group.id },
      { type: 'voicemail_box', voicemail_box_id: box.id },
    ]) {
      const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.route).toEqual(route);
    }
    const theirUser = (await other.api.post('/v1/sip-users', { username: '201' })).body;
    const theirGroup = (await other.api.post('/v1/ring-groups', { name: 'G', members: [{ sip_user_id: theirUser.id }] })).body;
    const theirBox = (await other.api.post('/v1/voicemail-boxes', { name: 'B', pin: '1234' })).body;
    for (const [route, param] of [
      [{ type: 'ring_group', ring_group_id: theirGroup.id }, '/body/route/ring_group_id'],
      [{ type: 'ring_group', ring_group_id: 'rgrp_01NOSUCH' }, '/body/route/ring_group_id'],
      [{ type: 'voicemail_box', voicemail_box_id: theirBox.id }, '/body/route/voicemail_box_id'],
    ] as const) {
      const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'invalid_reference', param });
    }
    expect((await c.api.get(`/v1/numbers/${n.id}`)).body.route).toEqual({ type: 'voicemail_box', voicemail_box_id: box.id });
    // A group a number routes to cannot be deleted until the route changes.
    await c.api.patch(`/v1/numbers/${n.id}`, { route: { type: 'ring_group', ring_group_id: group.id } });
    const inUse = await c.api.delete(`/v1/ring-groups/${group.id}`);
    expect(inUse.body).toMatchObject({ code: 'ring_group_in_use' });
    expect(inUse.body.detail).toContain(n.id);
  });

  // With three route types in the oneOf, Ajv also reports the fields a body has that the other types do
  // not take, so a bad value inside one type can come back as unknown_field rather than validation_failed.
  it.each([
    ['an unknown type', { type: 'queue', sip_user_id: 'sipu_01X' }, ['validation_failed', 'unknown_field']],
    ['a ring group without its id', { type: 'ring_group' }, ['validation_failed']],
    ['a malformed voicemail box id', { type: 'voicemail_box', voicemail_box_id: 'sipu_01X' }, ['validation_failed', 'unknown_field']],
    ['no user id', { type: 'sip_user' }, ['validation_failed']],
    ['a malformed user id', { type: 'sip_user', sip_user_id: 'trk_01X' }, ['validation_failed', 'unknown_field']],
    ['a ring timeout under 5 s', { type: 'sip_user', sip_user_id: 'sipu_01X', ring_timeout: 1 }, ['validation_failed', 'unknown_field']],
    ['an extra field', { type: 'sip_user', sip_user_id: 'sipu_01X', extension: '201' }, ['unknown_field']],
    ['a string', 'sipu_01X', ['validation_failed']],
  ])('refuses %s with 400 and writes nothing', async (_name, route, codes) => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const res = await c.api.patch(`/v1/numbers/${n.id}`, { route });
    expect(res.status).toBe(400);
    expect(codes).toContain(res.body.code);
    expect((await c.api.get(`/v1/numbers/${n.id}`)).body).toEqual(n);
  });

  it('needs numbers:write to set a route', async () => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const user = (await c.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'reader', scopes: ['numbers:read'] })).body.secret);
    const res = await reader.patch(`/v1/numbers/${n.id}`, { route: { type: 'sip_user', sip_user_id: user.id } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('missing_scope');
  });

  it('a released number forgets its route', async () => {
    const c = await t.customer();
    const n = await ownNumber(t.operator, c.api);
    const user = (await c.api.post('/v1/sip-users', { username: '201', extension: '201' })).body;
    await c.api.patch(`/v1/numbers/${n.id}`, { route: { type: 'sip_user', sip_user_id: user.id } });
    expect((await c.api.post(`/v1/numbers/${n.id}/release`)).status).toBe(200);
    const row = await t.server.store.db.selectFrom('phone_numbers').select('route').where('id', '=', n.id).executeTakeFirstOrThrow();
    expect(row.route).toBeNull();
  });
});
