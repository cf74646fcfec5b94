import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../test/api-client.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { fuzzFailures } from '../test/fuzz-resource.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { specOperations } from '../test/spec-operations.js';

/** PUT through the test client (it has helpers for the other methods only). */
const put = (api: ApiClient, path: string, body: unknown) => api.request('PUT', path, { body });

const DEFAULTS = {
  object: 'call_handling',
  do_not_disturb: false,
  forward_always: null,
  forward_busy: null,
  forward_no_answer: null,
  no_answer_seconds: 20,
  forward_not_registered: null,
  updated_at: null,
};

describe.each(storeKinds)('SIP user call handling API (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  async function setup() {
    const c = await t.customer();
    const alice = (await c.api.post('/v1/sip-users', { username: 'alice', extension: '201' })).body;
    const bob = (await c.api.post('/v1/sip-users', { username: 'bob', extension: '202' })).body;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'Alice', pin: '2468' })).body;
    return { c, alice, bob, box };
  }

  it('shows the defaults until set, then replaces the whole setting with PUT (left-out fields back to defaults)', async () => {
    const { c, alice, bob, box } = await setup();
    expect((await c.api.get(`/v1/sip-users/${alice.id}/call-handling`)).body).toEqual({ ...DEFAULTS, sip_user_id: alice.id });
    const body = {
      do_not_disturb: true,
      forward_busy: { type: 'voicemail_box', voicemail_box_id: box.id },
      forward_no_answer: { type: 'sip_user', sip_user_id: bob.id },
      no_answer_seconds: 12,
      forward_not_registered: { type: 'number', number: '+35929000111' },
    };
    const set = await put(c.api, `/v1/sip-users/${alice.id}/call-handling`, body);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ ...body, object: 'call_handling', sip_user_id: alice.id, forward_always: null });
    expect(set.body.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await c.api.get(`/v1/sip-users/${alice.id}/call-handling`)).body).toEqual(set.body);

    const replaced = await put(c.api, `/v1/sip-users/${alice.id}/call-handling`, { forward_always: { type: 'sip_user', sip_user_id: bob.id } });
    expect(replaced.body).toMatchObject({ ...DEFAULTS, sip_user_id: alice.id, forward_always: { type: 'sip_user', sip_user_id: bob.id }, updated_at: expect.any(String) });
    // A number as dialled in Bulgaria is kept in E.164.
    const local = await put(c.api, `/v1/sip-users/${bob.id}/call-handling`, { forward_busy: { type: 'number', number: '0888 123 456' } });
    expect(local.body.forward_busy).toEqual({ type: 'number', number: '+359888123456' });
    await put(c.api, `/v1/sip-users/${bob.id}/call-handling`, {});
    // Bob's setting is his own; deleting Alice takes her setting with her.
    expect((await c.api.get(`/v1/sip-users/${bob.id}/call-handling`)).body).toMatchObject({ ...DEFAULTS, updated_at: expect.any(String) });
    expect((await c.api.delete(`/v1/sip-users/${alice.id}`)).status).toBe(200);
    expect(await t.server.store.db.selectFrom('sip_user_call_handling').selectAll().where('sip_user_id', '=', alice.id).execute()).toEqual([]);
  });

  it('refuses targets that are the user themself or not of the account, and bad input, with problem+json and nothing written', async () => {
    const { c, alice, bob } = await setup();
    const other = await setup();
    const before = await dbSnapshot(t.server.store.db);
    const cases: Array<[unknown, number, string?]> = [
      [{ forward_always: { type: 'sip_user', sip_user_id: alice.id } }, 422, 'forward_to_self'],
      [{ forward_busy: { type: 'sip_user', sip_user_id: other.bob.id } }, 422, 'invalid_reference'],
      [{ forward_busy: { type: 'voicemail_box', voicemail_box_id: other.box.id } }, 422, 'invalid_reference'],
      [{ forward_no_answer: { type: 'sip_user', sip_user_id: 'sipu_doesnotexist' } }, 422, 'invalid_reference'],
      [{ forward_always: { type: 'number', number: '12' } }, 422, 'invalid_phone_number'],
      [{ forward_always: { type: 'number', number: 'not a number' } }, 422, 'invalid_phone_number'],
      [{ forward_always: { type: 'number', number: '+35929000111', extra: 1 } }, 400],
      [{ forward_always: { type: 'ring_group', ring_group_id: 'rg_1' } }, 400],
      [{ forward_always: { sip_user_id: bob.id } }, 400],
      [{ no_answer_seconds: 4 }, 400],
      [{ no_answer_seconds: 121 }, 400],
      [{ no_answer_seconds: 1.5 }, 400],
      [{ do_not_disturb: 'yes' }, 400],
      [{ sip_user_id: bob.id }, 400],
      [null, 400],
      ['dnd', 400],
    ];
    for (const [body, status, code] of cases) {
      const res = await put(c.api, `/v1/sip-users/${alice.id}/call-handling`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
      if (code) expect(res.body.code, JSON.stringify(body)).toBe(code);
    }
    expect((await put(c.api, '/v1/sip-users/sipu_doesnotexist/call-handling', {})).status).toBe(404);
    expect((await c.api.get('/v1/sip-users/not-an-id/call-handling')).status).toBe(400);
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
  });

  it('keeps accounts apart: another account gets 404 on both operations and changes nothing', async () => {
    const a = await setup();
    const b = await setup();
    await put(a.c.api, `/v1/sip-users/${a.alice.id}/call-handling`, { do_not_disturb: true });
    const snapshot = async () => ({ ...(await dbSnapshot(t.server.store.db)), api_keys: '' });
    const before = await snapshot();
    expect((await b.c.api.get(`/v1/sip-users/${a.alice.id}/call-handling`)).status).toBe(404);
    const refused = await put(b.c.api, `/v1/sip-users/${a.alice.id}/call-handling`, { do_not_disturb: false });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('not_found');
    // B's own user cannot forward into A's account either (checked above as invalid_reference).
    expect(await snapshot()).toEqual(before);
    expect((await a.c.api.get(`/v1/sip-users/${a.alice.id}/call-handling`)).body.do_not_disturb).toBe(true);
  });

  it('needs pbx:read to read and pbx:write to set', async () => {
    const { c, alice } = await setup();
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'pbx read', scopes: ['pbx:read'] })).body.secret);
    const numbers = t.client((await c.api.post('/v1/api-keys', { name: 'numbers', scopes: ['numbers:read', 'numbers:write'] })).body.secret);
    for (const res of [
      await put(reader, `/v1/sip-users/${alice.id}/call-handling`, { do_not_disturb: true }),
      await numbers.get(`/v1/sip-users/${alice.id}/call-handling`),
      await put(numbers, `/v1/sip-users/${alice.id}/call-handling`, {}),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/sip-users/${alice.id}/call-handling`)).status).toBe(200);
  });

  it('answers fuzzed requests to both operations with documented 2xx/4xx, never 5xx', async () => {
    const { c, alice } = await setup();
    const realIds = new Map([['/v1/sip-users', alice.id as string]]);
    const ops = specOperations().filter((o) => o.id === 'sipUsers.callHandling' || o.id === 'sipUsers.setCallHandling');
    expect(ops).toHaveLength(2);
    const failures = await fuzzFailures(t.url, c.key, ops, { seed: 20261207, perOperation: 60, realIds });
    expect(failures).toEqual([]);
  }, 60_000);
});
