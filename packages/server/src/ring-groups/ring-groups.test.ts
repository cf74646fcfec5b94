import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { takeRoundRobinStart } from './store.js';

describe.each(storeKinds)('ring groups (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { sipEnabled: false } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const db = () => t.server.store.db;
  type Client = Awaited<ReturnType<TestServer['customer']>>;
  const user = async (c: Client, username: string, extension?: string) =>
    (await c.api.post('/v1/sip-users', { username, ...(extension ? { extension } : {}) })).body.id as string;

  it('creates, lists, reads, updates and deletes a group, with defaults filled in and an event for each change', async () => {
    const c = await t.customer();
    const [u1, u2] = [await user(c, 'alice', '201'), await user(c, 'bob', '202')];
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Sales', pin: '1234' })).body.id;
    const res = await c.api.post('/v1/ring-groups', {
      name: 'Sales',
      extension: '600',
      strategy: 'sequential',
      members: [{ sip_user_id: u1, timeout_seconds: 5 }, { sip_user_id: u2 }],
      fallback: { type: 'voicemail_box', voicemail_box_id: box },
    });
    expect(res.status).toBe(201);
    const group = res.body;
    expect(group).toMatchObject({
      object: 'ring_group',
      account_id: c.accountId,
      name: 'Sales',
      extension: '600',
      strategy: 'sequential',
      members: [
        { sip_user_id: u1, timeout_seconds: 5 },
        { sip_user_id: u2, timeout_seconds: 15 },
      ],
      timeout_seconds: 30,
      fallback: { type: 'voicemail_box', voicemail_box_id: box },
    });
    expect(group.id).toMatch(/^rgrp_/);
    const plain = (await c.api.post('/v1/ring-groups', { name: 'All', members: [{ sip_user_id: u1 }] })).body;
    expect(plain).toMatchObject({ strategy: 'simultaneous', extension: null, fallback: null, timeout_seconds: 30 });

    expect((await c.api.get(`/v1/ring-groups/${group.id}`)).body).toEqual(group);
    expect((await c.api.get('/v1/ring-groups')).body.data.map((g: { id: string }) => g.id)).toEqual([plain.id, group.id]);
    const updated = await c.api.patch(`/v1/ring-groups/${group.id}`, {
      strategy: 'round_robin',
      fallback: { type: 'number', number: '+359 888 000 111' },
      extension: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ strategy: 'round_robin', fallback: { type: 'number', number: '+359888000111' }, extension: null });
    expect((await c.api.get(`/v1/ring-groups/${group.id}`)).body).toEqual(updated.body);

    const deleted = await c.api.delete(`/v1/ring-groups/${group.id}`);
    expect(deleted.body).toEqual({ id: group.id, object: 'ring_group', deleted: true });
    expect((await c.api.get(`/v1/ring-groups/${group.id}`)).status).toBe(404);
    const events = await db().selectFrom('events').select(['type', 'payload']).where('object_id', '=', group.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['ring_group.created', 'ring_group.updated', 'ring_group.deleted']);
    expect(JSON.parse(events[1]!.payload).data.object).toEqual(updated.body);
  });

  it('shares one extension plan with SIP users: each refuses the other’s extension with 409 sip_extension_taken', async () => {
    const c = await t.customer();
    const u = await user(c, 'carol', '301');
    const taken = await c.api.post('/v1/ring-groups', { name: 'G', extension: '301', members: [{ sip_user_id: u }] });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'sip_extension_taken', param: '/body/extension' });
    const group = (await c.api.post('/v1/ring-groups', { name: 'G', extension: '302', members: [{ sip_user_id: u }] })).body;
    const clash = await c.api.post('/v1/sip-users', { username: 'dave', extension: '302' });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('sip_extension_taken');
    expect((await c.api.patch(`/v1/sip-users/${u}`, { extension: '302' })).status).toBe(409);
    expect((await c.api.post('/v1/ring-groups', { name: 'H', extension: '302', members: [{ sip_user_id: u }] })).status).toBe(409);
    // A group keeps its own extension on update; another account may use the same one.
    expect((await c.api.patch(`/v1/ring-groups/${group.id}`, { extension: '302', name: 'G2' })).status).toBe(200);
    const other = await t.customer();
    const theirs = await user(other, 'erin');
    expect((await other.api.post('/v1/ring-groups', { name: 'G', extension: '302', members: [{ sip_user_id: theirs }] })).status).toBe(201);
  });

  it('refuses a fallback chain that comes back to the group (A -> B -> A) with 422 ring_group_fallback_loop, and deleting a group still in use', async () => {
    const c = await t.customer();
    const u = await user(c, 'frank');
    const a = (await c.api.post('/v1/ring-groups', { name: 'A', members: [{ sip_user_id: u }] })).body;
    const b = (await c.api.post('/v1/ring-groups', { name: 'B', members: [{ sip_user_id: u }], fallback: { type: 'ring_group', ring_group_id: a.id } })).body;
    const before = await dbSnapshot(db());
    const loop = await c.api.patch(`/v1/ring-groups/${a.id}`, { fallback: { type: 'ring_group', ring_group_id: b.id } });
    expect(loop.status).toBe(422);
    expect(loop.body).toMatchObject({ code: 'ring_group_fallback_loop', param: '/body/fallback/ring_group_id' });
    const self = await c.api.patch(`/v1/ring-groups/${a.id}`, { fallback: { type: 'ring_group', ring_group_id: a.id } });
    expect(self.body.code).toBe('ring_group_fallback_loop');
    const inUse = await c.api.delete(`/v1/ring-groups/${a.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('ring_group_in_use');
    expect(inUse.body.detail).toContain(b.id);
    expect(await dbSnapshot(db())).toEqual(before);
    expect((await c.api.delete(`/v1/ring-groups/${b.id}`)).status).toBe(200);
    expect((await c.api.delete(`/v1/ring-groups/${a.id}`)).status).toBe(200);
  });

  it('takes round-robin starts atomically: concurrent calls each get their own', async () => {
    const c = await t.customer();
    const u = await user(c, 'gina');
    const g = (await c.api.post('/v1/ring-groups', { name: 'RR', strategy: 'round_robin', members: [{ sip_user_id: u }] })).body;
    const starts = await Promise.all(Array.from({ length: 12 }, () => takeRoundRobinStart(db(), c.accountId, g.id)));
    expect([...starts].sort((x, y) => (x as number) - (y as number))).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await takeRoundRobinStart(db(), 'acct_other', g.id)).toBeUndefined();
  });

  it('keeps accounts apart: another account gets 404 everywhere, an empty list, and cannot name another tenant’s users, boxes or groups', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const ua = await user(a, 'hal');
    const ub = await user(b, 'ivy');
    const boxA = (await a.api.post('/v1/voicemail-boxes', { name: 'A', pin: '1234' })).body.id;
    const group = (await a.api.post('/v1/ring-groups', { name: 'A', members: [{ sip_user_id: ua }] })).body;
    const before = await dbSnapshot(db());
    expect((await b.api.get(`/v1/ring-groups/${group.id}`)).status).toBe(404);
    expect((await b.api.patch(`/v1/ring-groups/${group.id}`, { name: 'Mine' })).status).toBe(404);
    expect((await b.api.delete(`/v1/ring-groups/${group.id}`)).status).toBe(404);
    expect((await b.api.get('/v1/ring-groups')).body.data).toEqual([]);
    for (const body of [
      { name: 'B', members: [{ sip_user_id: ua }] },
      { name: 'B', members: [{ sip_user_id: ub }], fallback: { type: 'voicemail_box', voicemail_box_id: boxA } },
      { name: 'B', members: [{ sip_user_id: ub }], fallback: { type: 'ring_group', ring_group_id: group.id } },
    ]) {
      const res = await b.api.post('/v1/ring-groups', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe('invalid_reference');
    }
    // Nor route their number to it.
    const number = (await b.api.get('/v1/numbers')).body.data[0]?.number as string | undefined;
    if (number) {
      const routed = await b.api.patch(`/v1/numbers/${encodeURIComponent(number)}`, { route: { type: 'ring_group', ring_group_id: group.id } });
      expect(routed.body.code).toBe('invalid_reference');
    }
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('needs pbx:write to change groups and pbx:read to read them', async () => {
    const c = await t.customer();
    const u = await user(c, 'jack');
    const g = (await c.api.post('/v1/ring-groups', { name: 'S', members: [{ sip_user_id: u }] })).body;
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'pbx read', scopes: ['pbx:read'] })).body.secret);
    const numbers = t.client((await c.api.post('/v1/api-keys', { name: 'numbers', scopes: ['numbers:write', 'numbers:read'] })).body.secret);
    for (const res of [
      await reader.post('/v1/ring-groups', { name: 'x', members: [{ sip_user_id: u }] }),
      await reader.patch(`/v1/ring-groups/${g.id}`, { name: 'x' }),
      await reader.delete(`/v1/ring-groups/${g.id}`),
      await numbers.get('/v1/ring-groups'),
      await numbers.get(`/v1/ring-groups/${g.id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/ring-groups/${g.id}`)).body).toEqual(g);
  });

  it('answers bad input with problem+json and writes nothing', async () => {
    const c = await t.customer();
    const u = await user(c, 'kim');
    const g = (await c.api.post('/v1/ring-groups', { name: 'K', members: [{ sip_user_id: u }] })).body;
    const before = await dbSnapshot(db());
    const m = [{ sip_user_id: u }];
    const creates: unknown[] = [
      {},
      { name: 'x' },
      { members: m },
      { name: '', members: m },
      { name: 'x', members: [] },
      { name: 'x', members: [{ sip_user_id: u }, { sip_user_id: u }] },
      { name: 'x', members: [{ sip_user_id: 'sipu_nobody' }] },
      { name: 'x', members: [{ sip_user_id: 'bob' }] },
      { name: 'x', members: [{ sip_user_id: u, timeout_seconds: 0 }] },
      { name: 'x', members: m, strategy: 'random' },
      { name: 'x', members: m, extension: '1' },
      { name: 'x', members: m, extension: '1234567' },
      { name: 'x', members: m, timeout_seconds: 0 },
      { name: 'x', members: m, timeout_seconds: 1.5 },
      { name: 'x', members: m, fallback: { type: 'voicemail_box' } },
      { name: 'x', members: m, fallback: { type: 'voicemail_box', voicemail_box_id: 'vmb_nothere' } },
      { name: 'x', members: m, fallback: { type: 'ring_group', ring_group_id: 'rgrp_nothere' } },
      { name: 'x', members: m, fallback: { type: 'number', number: '12' } },
      { name: 'x', members: m, fallback: { type: 'queue' } },
      { name: 'x', members: m, rr_next: 3 },
      null,
      'group',
    ];
    for (const body of creates) {
      const res = await c.api.post('/v1/ring-groups', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
    }
    const dup = await c.api.post('/v1/ring-groups', creates[5]);
    expect(dup.body).toMatchObject({ code: 'ring_group_duplicate_member', param: '/body/members/1/sip_user_id' });
    for (const body of [{}, { id: 'rgrp_x' }, { name: null }, { members: [] }, { strategy: null }]) {
      const res = await c.api.patch(`/v1/ring-groups/${g.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await c.api.get('/v1/ring-groups/rgrp_doesnotexist')).status).toBe(404);
    expect((await c.api.get('/v1/ring-groups/not-an-id')).status).toBe(400);
    expect(await dbSnapshot(db())).toEqual(before);
  });
});
