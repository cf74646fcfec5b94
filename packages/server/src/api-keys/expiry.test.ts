import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

const HOUR = 3_600_000;

/** The instant `at` written as RFC 3339 local time with a UTC offset of `minutes` (e.g. +05:00). */
function withOffset(at: Date, minutes: number): string {
  const local = new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 19);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describe.each(storeKinds)('API key expiry is an instant, whatever its spelling (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it.each([
    ['+05:00', () => withOffset(new Date(Date.now() - HOUR), 300)],
    ['+14:00', () => withOffset(new Date(Date.now() - HOUR), 14 * 60)],
    ['lowercase t and z', () => new Date(Date.now() - HOUR).toISOString().replace('T', 't').replace('Z', 'z')],
  ])('an hour in the past written with %s is refused at creation', async (_label, past) => {
    const c = await t.customer();
    const res = await c.api.post('/v1/api-keys', { name: 'past', scopes: ['admin'], expires_at: past() });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.param).toBe('/body/expires_at');
    expect((await c.api.get('/v1/api-keys')).body.data).toHaveLength(1);
  });

  it('an hour ahead written with a negative offset is accepted, stored in UTC and works', async () => {
    const c = await t.customer();
    const at = new Date(Date.now() + HOUR);
    at.setUTCMilliseconds(0);
    const res = await c.api.post('/v1/api-keys', { name: 'west', scopes: ['admin'], expires_at: withOffset(at, -8 * 60) });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('active');
    expect(res.body.expires_at).toBe(at.toISOString());
    expect((await t.client(res.body.secret).get('/v1/accounts/me')).status).toBe(200);
  });

  it('a stored expiry in another spelling is compared as an instant by auth and by the key status', async () => {
    const c = await t.customer();
    const past = (await c.api.post('/v1/api-keys', { name: 'east', scopes: ['admin'] })).body;
    const future = (await c.api.post('/v1/api-keys', { name: 'west', scopes: ['admin'] })).body;
    // Rows written before expiries were normalised may hold any RFC 3339 spelling.
    await t.server.store.db
      .updateTable('api_keys')
      .set({ expires_at: withOffset(new Date(Date.now() - HOUR), 300) })
      .where('id', '=', past.id)
      .execute();
    await t.server.store.db
      .updateTable('api_keys')
      .set({ expires_at: withOffset(new Date(Date.now() + HOUR), -300) })
      .where('id', '=', future.id)
      .execute();
    const refused = await t.client(past.secret).get('/v1/accounts/me');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('expired');
    expect((await c.api.get(`/v1/api-keys/${past.id}`)).body.status).toBe('expired');
    expect((await t.client(future.secret).get('/v1/accounts/me')).status).toBe(200);
    expect((await c.api.get(`/v1/api-keys/${future.id}`)).body.status).toBe('active');
  });
});
