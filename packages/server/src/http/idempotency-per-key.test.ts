import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { secretBox } from '../secrets/secret-box.js';
import { storeKinds, startTestServer, type TestServer } from '../test/harness.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';

// Issue 13, items 2 and 6: Idempotency-Key records belong to the API key that made them, keep their
// answer sealed (never a secret in the clear), and are purged once their 24 hours are over.
describe.each(storeKinds)('Idempotency-Key records per API key, sealed and purged (%s)', (kind) => {
  const clock = manualClock('2026-11-26T09:00:00.000Z');
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
    c = await t.customer();
  });
  afterAll(() => t?.close());

  const db = () => t.server.store.db;
  const newKey = async (scopes: string[], name = `key ${scopes.join(' ')}`) => {
    const res = await c.api.post('/v1/api-keys', { name, scopes });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, api: t.client(res.body.secret as string) };
  };
  const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

  it("never hands another key the answer an admin's request got: a key with api_keys:write only runs the request itself", async () => {
    const writer = await newKey(['api_keys:write']);

    // The admin makes an admin key; the same request from the narrower key is its own request, refused.
    const adminBody = { name: 'deploy admin', scopes: ['admin'] };
    const admins = await c.api.post('/v1/api-keys', adminBody, withKey('make-admin'));
    expect(admins.status).toBe(201);
    const stolen = await writer.api.post('/v1/api-keys', adminBody, withKey('make-admin'));
    expect(stolen.status).toBe(422);
    expect(stolen.body.code).toBe('scope_not_grantable');
    expect(stolen.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(stolen.body)).not.toContain(admins.body.secret);

    // A request the narrower key may make runs for it, with a key (and secret) of its own.
    const readBody = { name: 'writer too', scopes: ['api_keys:write'] };
    const first = await c.api.post('/v1/api-keys', readBody, withKey('make-reader'));
    const own = await writer.api.post('/v1/api-keys', readBody, withKey('make-reader'));
    expect(own.status).toBe(201);
    expect(own.headers.get('idempotent-replayed')).toBeNull();
    expect(own.body.id).not.toBe(first.body.id);
    expect(own.body.secret).not.toBe(first.body.secret);
    // ...and each key's replay is its own answer.
    const replayed = await writer.api.post('/v1/api-keys', readBody, withKey('make-reader'));
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(own.body);
    expect((await c.api.post('/v1/api-keys', readBody, withKey('make-reader'))).body).toEqual(first.body);

    // Another key's record is not a conflict: a different body under the same Idempotency-Key runs too.
    expect((await c.api.post('/v1/api-keys', { name: 'mine', scopes: ['contacts:read'] }, withKey('admins-own'))).status).toBe(201);
    const other = await writer.api.post('/v1/api-keys', { name: 'other', scopes: ['api_keys:write'] }, withKey('admins-own'));
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('re-checks the replaying key: once revoked, its own stored answer is not shown again', async () => {
    const second = await newKey(['admin'], 'second admin');
    const body = { name: 'made by second', scopes: ['contacts:read'] };
    const made = await second.api.post('/v1/api-keys', body, withKey('by-second'));
    expect(made.status).toBe(201);
    expect((await second.api.post('/v1/api-keys', body, withKey('by-second'))).headers.get('idempotent-replayed')).toBe('true');
    expect((await c.api.post(`/v1/api-keys/${second.id}/revoke`)).status).toBe(200);
    const after = await second.api.post('/v1/api-keys', body, withKey('by-second'));
    expect(after.status).toBe(401);
    expect(JSON.stringify(after.body)).not.toContain(made.body.secret);
  });

  it('keeps the stored answer sealed, and replays it byte for byte', async () => {
    const made = await c.api.post('/v1/api-keys', { name: 'sealed', scopes: ['contacts:read'] }, withKey('sealed-1'));
    const row = await db().selectFrom('idempotency_keys').selectAll().where('key', '=', 'sealed-1').executeTakeFirstOrThrow();
    expect(row.api_key_id).toMatch(/^key_/);
    expect(row.response_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(made.body.secret);
    expect(JSON.stringify(row)).not.toContain(made.body.secret.slice(-12));
    const again = await c.api.post('/v1/api-keys', { name: 'sealed', scopes: ['contacts:read'] }, withKey('sealed-1'));
    expect(again.body).toEqual(made.body);
    expect(again.body.secret).toBe(made.body.secret);
  });

  it('answers idempotency_key_answer_lost, never the text or a 500, when the answer was sealed with another server key', async () => {
    const body = { name: 'moved', email: 'moved@example.com' };
    const first = await c.api.post('/v1/contacts', body, withKey('other-key-1'));
    expect(first.status).toBe(201);
    const row = await db().selectFrom('idempotency_keys').selectAll().where('key', '=', 'other-key-1').executeTakeFirstOrThrow();
    const foreign = secretBox(randomBytes(32)).seal(JSON.stringify(first.body), `idempotency:${row.api_key_id}:other-key-1`);
    await db().updateTable('idempotency_keys').set({ response_sealed: foreign }).where('key', '=', 'other-key-1').execute();
    const res = await c.api.post('/v1/contacts', body, withKey('other-key-1'));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('idempotency_key_answer_lost');
    expect(res.body.detail).toMatch(/PROLOPE_SECRET_KEY/);
    expect(res.headers.get('prolope-should-retry')).toBe('false');
  });

  it('runs a request again when its record is past 24 hours but not purged yet', async () => {
    const body = { name: 'expired', email: 'expired@example.com' };
    const first = await c.api.post('/v1/contacts', body, withKey('expired-1'));
    clock.advance(IDEMPOTENCY_TTL_MS);
    expect((await c.api.post('/v1/contacts', body, withKey('expired-1'))).headers.get('idempotent-replayed')).toBe('true');
    clock.advance(1);
    const again = await c.api.post('/v1/contacts', body, withKey('expired-1'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.id).not.toBe(first.body.id);
    // The new record is replayed from now on.
    expect((await c.api.post('/v1/contacts', body, withKey('expired-1'))).body).toEqual(again.body);
  });

  it('purges records once their 24 hours are over, keeping younger ones (manual clock)', async () => {
    // Records of the tests above are of other ages: start from an empty table.
    await db().deleteFrom('idempotency_keys').execute();
    const body = { name: 'purged', email: 'purged@example.com' };
    const old = await c.api.post('/v1/contacts', body, withKey('purge-old'));
    clock.advance(60_000);
    await c.api.post('/v1/contacts', body, withKey('purge-young'));
    const keys = async () => (await db().selectFrom('idempotency_keys').select('key').where('key', 'like', 'purge-%').execute()).map((r) => r.key).sort();

    clock.advance(IDEMPOTENCY_TTL_MS - 60_000);
    expect(await t.server.idempotency.tick()).toBe(0);
    expect(await keys()).toEqual(['purge-old', 'purge-young']);
    clock.advance(1);
    expect(await t.server.idempotency.tick()).toBe(1);
    expect(await keys()).toEqual(['purge-young']);
    clock.advance(60_000);
    expect(await t.server.idempotency.tick()).toBe(1);
    expect(await keys()).toEqual([]);

    // Past its 24 hours a key is new again: the request runs.
    const fresh = await c.api.post('/v1/contacts', body, withKey('purge-old'));
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(fresh.body.id).not.toBe(old.body.id);
  });
});
