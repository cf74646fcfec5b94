import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

describe.each(storeKinds)('API keys (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const c = await t.customer();
    const res = await c.api.post('/v1/api-keys', { name: 'ci', scopes: ['contacts:read'] });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^pk_live_[0-9A-Za-z]{40}$/);
    expect(res.body.last4).toBe(res.body.secret.slice(-4));
    const got = await c.api.get(`/v1/api-keys/${res.body.id}`);
    expect(got.body).not.toHaveProperty('secret');
    const row = await t.server.store.db.selectFrom('api_keys').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(res.body.secret);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a key without a scope gets 403 naming the scope; with it, 2xx', async () => {
    const c = await t.customer();
    const reader = (await c.api.post('/v1/api-keys', { name: 'reader', scopes: ['contacts:read'] })).body.secret;
    const api = t.client(reader);
    expect((await api.get('/v1/contacts')).status).toBe(200);
    const denied = await api.post('/v1/contacts', { name: 'X', email: 'x@example.com' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('missing_scope');
    expect(denied.body.detail).toContain('contacts:write');
    expect((await api.get('/v1/api-keys')).status).toBe(403);
    expect((await c.api.get('/v1/contacts')).body.data).toEqual([]);
  });

  it('a key cannot grant a scope it lacks, and customers can never get operator', async () => {
    const c = await t.customer();
    const limited = (await c.api.post('/v1/api-keys', { name: 'limited', scopes: ['api_keys:write', 'contacts:read'] })).body.secret;
    const res = await t.client(limited).post('/v1/api-keys', { name: 'escalate', scopes: ['admin'] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('scope_not_grantable');
    expect((await t.client(limited).post('/v1/api-keys', { name: 'ok', scopes: ['contacts:read'] })).status).toBe(201);
    const op = await c.api.post('/v1/api-keys', { name: 'op', scopes: ['operator'] });
    expect(op.status).toBe(422);
    const bogus = await c.api.post('/v1/api-keys', { name: 'bogus', scopes: ['everything'] });
    expect(bogus.status).toBe(400);
  });

  it('a revoked key stops working at once and the event is recorded', async () => {
    const c = await t.customer();
    const k = (await c.api.post('/v1/api-keys', { name: 'temp', scopes: ['admin'] })).body;
    expect((await t.client(k.secret).get('/v1/accounts/me')).status).toBe(200);
    const revoked = await c.api.post(`/v1/api-keys/${k.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const after = await t.client(k.secret).get('/v1/accounts/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('invalid_api_key');
    expect(after.body.detail).toContain('revoked');
    const again = await c.api.post(`/v1/api-keys/${k.id}/revoke`);
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
    const events = await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', k.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(events.some((e) => e.payload.includes(k.secret))).toBe(false);
  });

  it('an expired key is refused, and expires_at in the past is refused at creation', async () => {
    const c = await t.customer();
    const past = await c.api.post('/v1/api-keys', { name: 'old', scopes: ['admin'], expires_at: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.param).toBe('/body/expires_at');
    const soon = new Date(Date.now() + 1500).toISOString();
    const k = (await c.api.post('/v1/api-keys', { name: 'soon', scopes: ['admin'], expires_at: soon })).body;
    await t.server.store.db.updateTable('api_keys').set({ expires_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', k.id).execute();
    const res = await t.client(k.secret).get('/v1/accounts/me');
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('expired');
    expect((await c.api.get(`/v1/api-keys/${k.id}`)).body.status).toBe('expired');
  });

  it('missing and malformed keys get 401 problems that say what is wrong', async () => {
    const none = await t.client().get('/v1/accounts/me');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('missing_api_key');
    const basic = await t.client().get('/v1/accounts/me', { headers: { authorization: 'Basic abc' } });
    expect(basic.body.code).toBe('invalid_api_key');
    const unknown = await t.client('pk_live_doesnotexist0000000000').get('/v1/accounts/me');
    expect(unknown.body.code).toBe('invalid_api_key');
  });

  it('another account cannot see or revoke the key (404)', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const k = (await a.api.post('/v1/api-keys', { name: 'mine', scopes: ['admin'] })).body;
    expect((await b.api.get(`/v1/api-keys/${k.id}`)).status).toBe(404);
    expect((await b.api.post(`/v1/api-keys/${k.id}/revoke`)).status).toBe(404);
    expect((await t.client(k.secret).get('/v1/accounts/me')).status).toBe(200);
  });
});
