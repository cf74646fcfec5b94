import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/**
 * Issue 13 item 3, the person acting is authenticated: a personal key (`contact_id`) is made by an admin key for
 * one of the account's own contacts, and only an admin key changes who may open incidents. Both stores.
 */
describe.each(storeKinds)('personal keys and who may open incidents (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  const db = () => t.server.store.db;
  const keyCount = async (accountId: string) =>
    Number((await db().selectFrom('api_keys').select(db().fn.countAll().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow()).n);

  async function contactOf(api: ReturnType<TestServer['client']>, canOpen = true) {
    const res = await api.post('/v1/contacts', { name: 'Ana Petrova', email: 'ana@example.com', can_open_incidents: canOpen });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  it('an admin key makes a personal key for a contact of its account; the key shows whose it is', async () => {
    const c = await t.customer();
    const ctc = await contactOf(c.api);
    const made = await c.api.post('/v1/api-keys', { name: 'Ana', scopes: ['incidents:write', 'incidents:read'], contact_id: ctc });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ contact_id: ctc, scopes: ['incidents:write', 'incidents:read'] });
    expect((await c.api.get(`/v1/api-keys/${made.body.id}`)).body.contact_id).toBe(ctc);
    const account = (await c.api.get('/v1/api-keys')).body.data.find((k: { name: string }) => k.name === 'Initial admin key');
    expect(account.contact_id).toBeNull();
    expect((await t.client(made.body.secret).get('/v1/incidents')).status).toBe(200);
  });

  it('refuses a personal key from a key without admin, even one holding every other scope, and writes nothing', async () => {
    const c = await t.customer();
    const ctc = await contactOf(c.api);
    const everything = ['accounts:write', 'api_keys:write', 'api_keys:read', 'contacts:write', 'contacts:read', 'incidents:write', 'incidents:read'];
    const strong = await c.api.post('/v1/api-keys', { name: 'strong', scopes: everything });
    const before = await keyCount(c.accountId);
    const res = await t.client(strong.body.secret).post('/v1/api-keys', { name: 'me', scopes: ['incidents:write'], contact_id: ctc });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'missing_scope', param: '/body/contact_id' });
    expect(res.body.detail).toContain('`admin`');
    expect(await keyCount(c.accountId)).toBe(before);
  });

  it.each([
    ['an unknown contact', 'ctc_01JXXXXXXXXXXXXXXXXXXXXXXX', 422, 'invalid_reference'],
    ['a malformed id', 'acct_123', 400, 'validation_failed'],
    ['an empty id', '', 400, 'validation_failed'],
    ['a number', 12, 400, 'validation_failed'],
    ['null', null, 400, 'validation_failed'],
  ])('refuses %s as contact_id (%s)', async (_what, contactId, status, code) => {
    const c = await t.customer();
    const before = await keyCount(c.accountId);
    const res = await c.api.post('/v1/api-keys', { name: 'x', scopes: ['incidents:write'], contact_id: contactId });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(await keyCount(c.accountId)).toBe(before);
  });

  it("refuses another account's contact as 422, as if unknown (tenant isolation)", async () => {
    const a = await t.customer();
    const b = await t.customer();
    const theirs = await contactOf(b.api);
    const res = await a.api.post('/v1/api-keys', { name: 'steal', scopes: ['incidents:write'], contact_id: theirs });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_reference');
    expect(res.body.detail).not.toContain('Ana');
    // The operator's key cannot make a customer's contact its own either.
    const op = await t.operator.post('/v1/api-keys', { name: 'op', scopes: ['incidents:write'], contact_id: theirs });
    expect(op.status).toBe(422);
  });

  it('only an admin key changes can_open_incidents; a new contact is not authorized unless an admin says so', async () => {
    const c = await t.customer();
    const writer = t.client((await c.api.post('/v1/api-keys', { name: 'crm', scopes: ['contacts:write', 'contacts:read'] })).body.secret);
    const plain = await writer.post('/v1/contacts', { name: 'Boris', email: 'boris@example.com' });
    expect(plain.status).toBe(201);
    expect(plain.body.can_open_incidents).toBe(false);
    const contactsBefore = (await c.api.get('/v1/contacts')).body.data.length;
    const grant = await writer.post('/v1/contacts', { name: 'Mallory', email: 'm@example.com', can_open_incidents: true });
    expect(grant.status).toBe(403);
    expect(grant.body).toMatchObject({ code: 'missing_scope', param: '/body/can_open_incidents' });
    expect((await c.api.get('/v1/contacts')).body.data).toHaveLength(contactsBefore);

    const raise = await writer.patch(`/v1/contacts/${plain.body.id}`, { can_open_incidents: true });
    expect(raise.status).toBe(403);
    expect((await c.api.get(`/v1/contacts/${plain.body.id}`)).body.can_open_incidents).toBe(false);
    // Writing back the value it has, with other changes, is fine.
    const same = await writer.patch(`/v1/contacts/${plain.body.id}`, { can_open_incidents: false, role: 'technical' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ role: 'technical', can_open_incidents: false });

    const byAdmin = await c.api.patch(`/v1/contacts/${plain.body.id}`, { can_open_incidents: true });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.can_open_incidents).toBe(true);
    const lower = await writer.patch(`/v1/contacts/${plain.body.id}`, { can_open_incidents: false });
    expect(lower.status).toBe(403);
    expect((await c.api.get(`/v1/contacts/${plain.body.id}`)).body.can_open_incidents).toBe(true);
    // Nor may it remove the authorized person.
    const del = await writer.delete(`/v1/contacts/${plain.body.id}`);
    expect(del.status).toBe(403);
    expect((await c.api.get(`/v1/contacts/${plain.body.id}`)).status).toBe(200);
    // A contact nobody authorized is the CRM's to remove.
    const other = await writer.post('/v1/contacts', { name: 'Temp', email: 't@example.com' });
    expect((await writer.delete(`/v1/contacts/${other.body.id}`)).status).toBe(200);
  });

  it('deleting a contact revokes its personal keys at once, with api_key.revoked, and only an admin does it', async () => {
    const c = await t.customer();
    const ctc = await contactOf(c.api, false);
    const personal = (await c.api.post('/v1/api-keys', { name: 'Ana', scopes: ['contacts:read'], contact_id: ctc })).body;
    const keeper = (await c.api.post('/v1/api-keys', { name: 'keeper', scopes: ['contacts:read'] })).body;
    expect((await t.client(personal.secret).get('/v1/contacts')).status).toBe(200);
    const writer = t.client((await c.api.post('/v1/api-keys', { name: 'crm', scopes: ['contacts:write'] })).body.secret);
    expect((await writer.delete(`/v1/contacts/${ctc}`)).status).toBe(403);
    expect((await t.client(personal.secret).get('/v1/contacts')).status).toBe(200);

    expect((await c.api.delete(`/v1/contacts/${ctc}`)).status).toBe(200);
    const after = await t.client(personal.secret).get('/v1/contacts');
    expect(after.status).toBe(401);
    expect(after.body.detail).toContain('revoked');
    expect((await c.api.get(`/v1/api-keys/${personal.id}`)).body.status).toBe('revoked');
    expect((await t.client(keeper.secret).get('/v1/contacts')).status).toBe(200);
    const events = await db().selectFrom('events').select('type').where('object_id', '=', personal.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['api_key.created', 'api_key.revoked']);
  });
});
