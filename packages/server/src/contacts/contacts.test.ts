import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

describe.each(storeKinds)('contacts (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it('creates, reads, updates and deletes an authorized contact', async () => {
    const c = await t.customer();
    const created = await c.api.post('/v1/contacts', {
      name: 'Georgi',
      email: 'georgi@example.com',
      phone: '0888 123 456',
      role: 'technical',
      can_open_incidents: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ phone: '+359888123456', role: 'technical', can_open_incidents: true, receives_notices: true });
    // Not authorized unless asked (issue 13): who may open incidents is an admin's explicit choice.
    expect((await c.api.post('/v1/contacts', { name: 'Plain', email: 'plain@example.com' })).body.can_open_incidents).toBe(false);
    const id = created.body.id;
    expect((await c.api.get(`/v1/contacts/${id}`)).body.email).toBe('georgi@example.com');
    const updated = await c.api.patch(`/v1/contacts/${id}`, { can_open_incidents: false, phone: '+44 20 7946 0958' });
    expect(updated.body).toMatchObject({ can_open_incidents: false, phone: '+442079460958' });
    const cleared = await c.api.patch(`/v1/contacts/${id}`, { phone: null });
    expect(cleared.body.phone).toBeNull();
    expect((await c.api.get('/v1/contacts')).body.data.map((x: { id: string }) => x.id)).toContain(id);
    const del = await c.api.delete(`/v1/contacts/${id}`);
    expect(del.body).toEqual({ id, object: 'contact', deleted: true });
    expect((await c.api.get(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await c.api.delete(`/v1/contacts/${id}`)).status).toBe(404);
  });

  it('refuses a bad phone number with a problem naming the field, and writes nothing', async () => {
    const c = await t.customer();
    const res = await c.api.post('/v1/contacts', { name: 'X', email: 'x@example.com', phone: '12' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'invalid_phone_number', param: '/body/phone' });
    expect((await c.api.get('/v1/contacts')).body.data).toEqual([]);
  });

  it('refuses a bad email and an unknown role', async () => {
    const c = await t.customer();
    const email = await c.api.post('/v1/contacts', { name: 'X', email: 'not-an-email' });
    expect(email.status).toBe(400);
    expect(email.body.param).toBe('/body/email');
    const role = await c.api.post('/v1/contacts', { name: 'X', email: 'x@example.com', role: 'boss' });
    expect(role.status).toBe(400);
    expect(role.body.detail).toContain('technical');
  });

  it('keeps accounts apart: another key gets 404 on every contact operation', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const id = (await a.api.post('/v1/contacts', { name: 'Private', email: 'p@example.com' })).body.id;
    expect((await b.api.get(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await b.api.patch(`/v1/contacts/${id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await b.api.delete(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await b.api.get('/v1/contacts')).body.data).toEqual([]);
    expect((await a.api.get(`/v1/contacts/${id}`)).body.name).toBe('Private');
  });
});
