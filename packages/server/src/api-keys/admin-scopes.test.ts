import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/** Every read scope an export's archive needs: it holds each kind of the account's data. */
const EXPORT_SCOPES = ['accounts:read', 'api_keys:read', 'contacts:read', 'numbers:read', 'calls:read', 'events:read', 'webhooks:read', 'billing:read'];

/**
 * Issue 13 item 11, scopes too broad: creating a subaccount (which answers its admin key) needs `admin`,
 * an export needs the read scope of everything it holds, and a key revokes only keys whose scopes it holds.
 * Each row: a key with these scopes, what it tries, the status; a refusal writes nothing.
 */
describe.each(storeKinds)('admin-only actions and export scopes (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const db = () => t.server.store.db;
  const countRows = async (table: 'accounts' | 'exports') =>
    Number((await db().selectFrom(table).select(db().fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  async function keyWith(api: ReturnType<TestServer['client']>, scopes: string[]) {
    const res = await api.post('/v1/api-keys', { name: scopes.join(' ').slice(0, 100), scopes });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as string, secret: res.body.secret as string, api: t.client(res.body.secret) };
  }

  it.each([
    { scopes: ['accounts:write'], status: 403 },
    { scopes: ['accounts:write', 'accounts:read', 'api_keys:write'], status: 403 },
    { scopes: ['admin'], status: 201 },
  ])('a subaccount is created by an admin key only: $scopes -> $status', async ({ scopes, status }) => {
    const c = await t.customer();
    const k = await keyWith(c.api, scopes);
    const before = await countRows('accounts');
    const res = await k.api.post('/v1/accounts', accountBody('Sub OOD'));
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 403) {
      expect(res.body.code).toBe('missing_scope');
      expect(res.body.detail).toContain('`admin`');
      expect(await countRows('accounts')).toBe(before);
    } else {
      expect(res.body.parent_account_id).toBe(c.accountId);
      expect(res.body.initial_api_key.scopes).toEqual(['admin']);
    }
  });

  it.each([
    { scopes: ['accounts:read'], status: 403 },
    { scopes: ['accounts:read', 'contacts:read', 'calls:read'], status: 403 },
    { scopes: EXPORT_SCOPES.filter((s) => s !== 'billing:read'), status: 403 },
    { scopes: EXPORT_SCOPES, status: 201 },
    { scopes: ['admin'], status: 201 },
  ])('an export needs the read scope of everything it holds: $scopes -> $status', async ({ scopes, status }) => {
    const c = await t.customer();
    const k = await keyWith(c.api, scopes);
    const before = await countRows('exports');
    const res = await k.api.post('/v1/exports', {});
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 403) {
      expect(res.body.code).toBe('missing_scope');
      expect(await countRows('exports')).toBe(before);
      return;
    }
    const download = await fetch(`${t.url}/v1/exports/${res.body.id}/download`, { headers: { authorization: `Bearer ${k.secret}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('an accounts:read key sees that an export exists, but cannot download what it may not read', async () => {
    const c = await t.customer();
    const made = await c.api.post('/v1/exports', {});
    expect(made.status).toBe(201);
    const reader = await keyWith(c.api, ['accounts:read']);
    expect((await reader.api.get(`/v1/exports/${made.body.id}`)).status).toBe(200);
    expect((await reader.api.get('/v1/exports')).body.data.map((e: { id: string }) => e.id)).toEqual([made.body.id]);
    const download = await reader.api.get(`/v1/exports/${made.body.id}/download`);
    expect(download.status).toBe(403);
    expect(download.body.code).toBe('missing_scope');
    // An export of contacts, calls and recordings was the way around `GET /v1/contacts` being 403.
    expect((await reader.api.get('/v1/contacts')).status).toBe(403);
  });

  it.each([
    { revoker: ['api_keys:write'], target: ['admin'], status: 403 },
    { revoker: ['api_keys:write', 'contacts:read'], target: ['admin'], status: 403 },
    { revoker: ['api_keys:write'], target: ['contacts:read'], status: 403 },
    { revoker: ['api_keys:write', 'contacts:read'], target: ['contacts:read'], status: 200 },
    { revoker: ['admin'], target: ['admin'], status: 200 },
  ])('a key revokes only keys whose scopes it holds: $revoker revoking $target -> $status', async ({ revoker, target, status }) => {
    const c = await t.customer();
    const victim = await keyWith(c.api, target);
    const k = await keyWith(c.api, revoker);
    const res = await k.api.post(`/v1/api-keys/${victim.id}/revoke`);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    const row = await db().selectFrom('api_keys').select('revoked_at').where('id', '=', victim.id).executeTakeFirstOrThrow();
    if (status === 403) {
      expect(res.body.code).toBe('missing_scope');
      expect(res.body.detail).toContain(victim.id);
      expect(row.revoked_at).toBeNull();
      expect((await victim.api.get('/v1/accounts/me')).status).toBe(200);
    } else {
      expect(res.body.status).toBe('revoked');
      expect(row.revoked_at).not.toBeNull();
      expect((await victim.api.get('/v1/accounts/me')).status).toBe(401);
    }
  });

  it('a key may always revoke itself, and the initial admin key is revoked only by an admin', async () => {
    const c = await t.customer();
    const initialId = (await c.api.get('/v1/api-keys')).body.data.find((k: { name: string }) => k.name === 'Initial admin key').id;
    const writer = await keyWith(c.api, ['api_keys:write', 'api_keys:read']);
    expect((await writer.api.post(`/v1/api-keys/${initialId}/revoke`)).status).toBe(403);
    expect((await c.api.get('/v1/accounts/me')).status).toBe(200);
    expect((await writer.api.post(`/v1/api-keys/${writer.id}/revoke`)).status).toBe(200);
    expect((await writer.api.get('/v1/api-keys')).status).toBe(401);
  });
});
