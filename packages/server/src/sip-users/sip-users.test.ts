import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownNumber } from '../sip-trunks/test-helpers.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(storeKinds)('SIP users (%s)', (kind) => {
  let t: TestServer;
  // Everything the server logs, at every level, so a test can check no password is among it.
  const logged: string[] = [];
  beforeAll(async () => {
    t = await startTestServer(kind, {
      logger: {
        level: 'trace',
        hooks: {
          logMethod(args: unknown[]) {
            logged.push(inspect(args, { depth: 6 }));
          },
        },
      },
    });
  });
  afterAll(() => t?.close());

  const rowOf = (id: string) => t.server.store.db.selectFrom('sip_users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const eventsOf = async (id: string) =>
    (await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', id).orderBy('id').execute()).map((e) => ({
      type: e.type,
      payload: JSON.parse(e.payload),
    }));

  it("creates a user with a generated password shown once; only HA1s in the account's SIP domain are stored, nothing logs it", async () => {
    const c = await t.customer();
    const number = await ownNumber(t, c);
    const res = await c.api.post('/v1/sip-users', { username: 'alice', extension: '201', display_name: 'Alice', caller_id: number });
    expect(res.status).toBe(201);
    const user = res.body;
    const domain = `${c.accountId.slice('acct_'.length).toLowerCase()}.sip.localhost`;
    expect(user).toMatchObject({
      object: 'sip_user',
      account_id: c.accountId,
      username: 'alice',
      domain,
      realm: domain,
      extension: '201',
      display_name: 'Alice',
      caller_id: number,
      max_registrations: 3,
      enabled: true,
    });
    expect(user.id).toMatch(/^sipu_/);
    const password: string = user.password;
    expect(password).toMatch(/^[0-9A-Za-z]{24}$/);

    const again = await c.api.get(`/v1/sip-users/${user.id}`);
    expect(again.body).not.toHaveProperty('password');
    const { password: _, ...shown } = user;
    expect(again.body).toEqual(shown);
    const list = await c.api.get('/v1/sip-users');
    expect(list.body.data).toEqual([shown]);

    const row = await rowOf(user.id);
    expect(row.ha1_md5).toBe(md5(`alice:${domain}:${password}`));
    expect(row.ha1_sha256).toBe(sha256(`alice:${domain}:${password}`));
    expect(JSON.stringify(row)).not.toContain(password);

    const events = await eventsOf(user.id);
    expect(events.map((e) => e.type)).toEqual(['sip_user.created']);
    expect(events[0]?.payload.data.object).toEqual(shown);
    expect(JSON.stringify(events)).not.toContain(password);

    const rotated = await c.api.post(`/v1/sip-users/${user.id}/rotate-password`);
    expect(rotated.status).toBe(200);
    const second: string = rotated.body.password;
    expect(second).toMatch(/^[0-9A-Za-z]{24}$/);
    expect(second).not.toBe(password);
    expect((await rowOf(user.id)).ha1_md5).toBe(md5(`alice:${domain}:${second}`));
    expect((await eventsOf(user.id)).map((e) => e.type)).toEqual(['sip_user.created', 'sip_user.updated']);
    expect(JSON.stringify(await eventsOf(user.id))).not.toContain(second);
    expect((await c.api.get(`/v1/sip-users/${user.id}`)).body).not.toHaveProperty('password');

    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [password, second]) expect(logged.filter((l) => l.includes(secret))).toEqual([]);
  });

  it('pages newest first with a cursor', async () => {
    const c = await t.customer();
    const ids: string[] = [];
    for (const username of ['u1', 'u2', 'u3']) ids.push((await c.api.post('/v1/sip-users', { username })).body.id);
    const first = await c.api.get('/v1/sip-users?limit=2');
    expect(first.body.data.map((u: { id: string }) => u.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const next = await c.api.get(`/v1/sip-users?limit=2&starting_after=${first.body.next_cursor}`);
    expect(next.body.data.map((u: { id: string }) => u.id)).toEqual([ids[0]]);
    expect(next.body.has_more).toBe(false);
  });

  it('updates display name, caller ID, extension, max registrations and enabled; records sip_user.updated', async () => {
    const c = await t.customer();
    const number = await ownNumber(t, c);
    const id = (await c.api.post('/v1/sip-users', { username: 'bob', extension: '202' })).body.id;
    const local = `0${number.slice(4)}`; // as dialled in Bulgaria
    const res = await c.api.patch(`/v1/sip-users/${id}`, { display_name: 'Bob B', caller_id: local, extension: '2020', max_registrations: 5, enabled: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ display_name: 'Bob B', caller_id: number, extension: '2020', max_registrations: 5, enabled: false });
    const cleared = await c.api.patch(`/v1/sip-users/${id}`, { display_name: null, caller_id: null, extension: null, enabled: true });
    expect(cleared.body).toMatchObject({ display_name: null, caller_id: null, extension: null, enabled: true, username: 'bob' });
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['sip_user.created', 'sip_user.updated', 'sip_user.updated']);
  });

  it('refuses a caller ID the account does not hold, including one another account holds, and writes nothing', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const theirs = await ownNumber(t, b);
    const id = (await a.api.post('/v1/sip-users', { username: 'carol' })).body.id;
    const before = await dbSnapshot(t.server.store.db);
    const create = await a.api.post('/v1/sip-users', { username: 'dave', caller_id: theirs });
    expect(create.status).toBe(422);
    expect(create.body).toMatchObject({ code: 'caller_id_not_owned', param: '/body/caller_id' });
    const update = await a.api.patch(`/v1/sip-users/${id}`, { caller_id: theirs, display_name: 'x' });
    expect(update.body).toMatchObject({ code: 'caller_id_not_owned', param: '/body/caller_id' });
    const garbage = await a.api.patch(`/v1/sip-users/${id}`, { caller_id: '12' });
    expect(garbage.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/caller_id' });
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
  });

  it('409s a username or extension another user of the same account has; another account may use both', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const first = await a.api.post('/v1/sip-users', { username: 'erin', extension: '301' });
    const other = (await a.api.post('/v1/sip-users', { username: 'frank', extension: '302' })).body.id;
    const before = await dbSnapshot(t.server.store.db);
    const sameName = await a.api.post('/v1/sip-users', { username: 'erin', extension: '303' });
    expect(sameName.status).toBe(409);
    expect(sameName.body).toMatchObject({ code: 'sip_user_username_taken', param: '/body/username' });
    const sameExt = await a.api.post('/v1/sip-users', { username: 'gina', extension: '301' });
    expect(sameExt.body).toMatchObject({ code: 'sip_extension_taken', param: '/body/extension' });
    const patched = await a.api.patch(`/v1/sip-users/${other}`, { extension: '301' });
    expect(patched.status).toBe(409);
    expect(patched.body.code).toBe('sip_extension_taken');
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
    // Keeping its own extension is no conflict.
    expect((await a.api.patch(`/v1/sip-users/${first.body.id}`, { extension: '301', display_name: 'Erin' })).status).toBe(200);

    const theirs = await b.api.post('/v1/sip-users', { username: 'erin', extension: '301' });
    expect(theirs.status).toBe(201);
    // Each account has its own domain, so the same username is a different SIP identity.
    expect(theirs.body.domain).not.toBe(first.body.domain);
  });

  it('keeps accounts apart: another account gets 404 (never 403 or 409) and an empty list', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const id = (await a.api.post('/v1/sip-users', { username: 'hank', extension: '401' })).body.id;
    // b's key records when it was last used; nothing else may change.
    const snapshot = async () => ({ ...(await dbSnapshot(t.server.store.db)), api_keys: '' });
    const before = await snapshot();
    expect((await b.api.get(`/v1/sip-users/${id}`)).status).toBe(404);
    expect((await b.api.patch(`/v1/sip-users/${id}`, { display_name: 'Mine now' })).status).toBe(404);
    expect((await b.api.patch(`/v1/sip-users/${id}`, { extension: '401' })).status).toBe(404);
    expect((await b.api.post(`/v1/sip-users/${id}/rotate-password`)).status).toBe(404);
    expect((await b.api.delete(`/v1/sip-users/${id}`)).status).toBe(404);
    expect((await b.api.get('/v1/sip-users')).body.data).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect((await a.api.get(`/v1/sip-users/${id}`)).body.username).toBe('hank');
  });

  it('needs pbx:write to change users and pbx:read to read them', async () => {
    const c = await t.customer();
    const id = (await c.api.post('/v1/sip-users', { username: 'ivy' })).body.id;
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'pbx read', scopes: ['pbx:read'] })).body.secret);
    const numbers = t.client((await c.api.post('/v1/api-keys', { name: 'numbers', scopes: ['numbers:write', 'numbers:read'] })).body.secret);
    for (const res of [
      await reader.post('/v1/sip-users', { username: 'jack' }),
      await reader.patch(`/v1/sip-users/${id}`, { display_name: 'x' }),
      await reader.post(`/v1/sip-users/${id}/rotate-password`),
      await reader.delete(`/v1/sip-users/${id}`),
      await numbers.get('/v1/sip-users'),
      await numbers.get(`/v1/sip-users/${id}`),
      await numbers.get(`/v1/sip-users/${id}/registrations`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/sip-users/${id}`)).status).toBe(200);
    expect((await reader.get('/v1/sip-users')).body.data).toHaveLength(1);
    expect((await reader.get(`/v1/sip-users/${id}/registrations`)).status).toBe(200);
  });

  it('answers bad input with problem+json and writes nothing', async () => {
    const c = await t.customer();
    const id = (await c.api.post('/v1/sip-users', { username: 'kim' })).body.id;
    const before = await dbSnapshot(t.server.store.db);
    const creates: unknown[] = [
      {},
      { username: 'x' },
      { username: 'a'.repeat(65) },
      { username: 'bad name' },
      { username: 'evil@host' },
      { username: 'ok1', extension: '1' },
      { username: 'ok1', extension: '1234567' },
      { username: 'ok1', extension: '12a' },
      { username: 'ok1', extension: 201 },
      { username: 'ok1', max_registrations: 0 },
      { username: 'ok1', max_registrations: 11 },
      { username: 'ok1', max_registrations: 1.5 },
      { username: 'ok1', enabled: 'yes' },
      { username: 'ok1', display_name: '' },
      { username: 'ok1', password: 'chosen-password' },
      { username: 'ok1', caller_id: 'not a number' },
      { username: ['ok1'] },
      null,
      'alice',
    ];
    for (const body of creates) {
      const res = await c.api.post('/v1/sip-users', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
    }
    const patches: unknown[] = [{}, { username: 'renamed' }, { extension: '9' }, { max_registrations: -1 }, { enabled: null }, { realm: 'x' }];
    for (const body of patches) {
      const res = await c.api.patch(`/v1/sip-users/${id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
    }
    expect((await c.api.get('/v1/sip-users/sipu_doesnotexist')).status).toBe(404);
    expect((await c.api.get('/v1/sip-users/not-an-id')).status).toBe(400);
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
  });

  it('deletes a user and records sip_user.deleted', async () => {
    const c = await t.customer();
    const id = (await c.api.post('/v1/sip-users', { username: 'liam', extension: '501' })).body.id;
    const res = await c.api.delete(`/v1/sip-users/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, object: 'sip_user', deleted: true });
    expect((await c.api.get(`/v1/sip-users/${id}`)).status).toBe(404);
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['sip_user.created', 'sip_user.deleted']);
    // The username and extension are free again.
    expect((await c.api.post('/v1/sip-users', { username: 'liam', extension: '501' })).status).toBe(201);
  });
});
