import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '../http/operations.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/**
 * The events API: list with filters, retrieve, the catalog of event types from the spec's `webhooks`
 * section, and sample events from `trigger` (what `prolope trigger` calls). Every response is checked
 * against the spec by the test client.
 */
describe.each(storeKinds)('events API (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let other: Awaited<ReturnType<TestServer['customer']>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    c = await t.customer();
    other = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the catalog of event types with resolved schemas, in the spec order', async () => {
    const res = await c.api.get('/v1/event-types');
    expect(res.status).toBe(200);
    const types = res.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(Object.keys(openapiDocument.webhooks as object));
    expect(types).toContain('webhook_endpoint.disabled');
    const completed = res.body.data.find((e: { type: string }) => e.type === 'call.completed');
    expect(completed.summary).toBeTruthy();
    expect(JSON.stringify(completed.schema)).not.toContain('"$ref"');
    expect(JSON.stringify(completed.schema)).toContain('hangup_cause');
  });

  it('triggers a sample of any type, with overrides checked against its schema', async () => {
    const res = await c.api.post('/v1/events/trigger', {
      type: 'call.completed',
      overrides: { 'data.object.to': '+35929000001', 'data.object.status': 'busy' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ object: 'event', type: 'call.completed', account_id: c.accountId, triggered: true });
    expect(res.body.data.object).toMatchObject({ object: 'call', to: '+35929000001', status: 'busy', account_id: c.accountId });
    expect(res.body.data.object.id).toMatch(/^call_/);
    expect((await c.api.get(`/v1/events/${res.body.id}`)).body).toEqual(res.body);

    const gather = await c.api.post('/v1/events/trigger', { type: 'call.gather.completed', overrides: { 'data.digits': '42#' } });
    expect(gather.status, JSON.stringify(gather.body)).toBe(201);
    expect(gather.body.data.digits).toBe('42#');

    for (const { type } of (await c.api.get('/v1/event-types')).body.data as Array<{ type: string }>) {
      const sample = await c.api.post('/v1/events/trigger', { type });
      expect(sample.status, `${type}: ${JSON.stringify(sample.body)}`).toBe(201);
    }

    const unknown = await c.api.post('/v1/events/trigger', { type: 'call.exploded' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_event_type');
    const invalid = await c.api.post('/v1/events/trigger', { type: 'call.completed', overrides: { 'data.object.status': 'banana' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('invalid_event_override');
    expect(invalid.body.detail).toContain('status');
    const envelope = await c.api.post('/v1/events/trigger', { type: 'call.completed', overrides: { account_id: other.accountId } });
    expect(envelope.status).toBe(422);
  });

  it('lists events newest first with filters; other accounts see none of them', async () => {
    const before = new Date().toISOString();
    const a = (await c.api.post('/v1/events/trigger', { type: 'number.purchased' })).body;
    const b = (await c.api.post('/v1/events/trigger', { type: 'call.answered' })).body;
    const d = (await c.api.post('/v1/events/trigger', { type: 'call.completed', overrides: { 'data.object.id': b.data.object.id } })).body;

    const since = (await c.api.get(`/v1/events?created_gte=${encodeURIComponent(before)}&limit=10`)).body.data.map((e: { id: string }) => e.id);
    expect(since).toEqual([d.id, b.id, a.id]);
    const calls = (await c.api.get(`/v1/events?type=call.*&created_gte=${encodeURIComponent(before)}`)).body.data.map((e: { id: string }) => e.id);
    expect(calls).toEqual([d.id, b.id]);
    const exact = (await c.api.get(`/v1/events?type=number.purchased&created_gte=${encodeURIComponent(before)}`)).body.data;
    expect(exact.map((e: { id: string }) => e.id)).toEqual([a.id]);
    const byObject = (await c.api.get(`/v1/events?object_id=${b.data.object.id}`)).body.data.map((e: { id: string }) => e.id);
    expect(byObject).toEqual([d.id, b.id]);
    const paged = await c.api.get(`/v1/events?limit=1&created_gte=${encodeURIComponent(before)}`);
    expect(paged.body).toMatchObject({ has_more: true, next_cursor: d.id });
    const next = await c.api.get(`/v1/events?limit=1&created_gte=${encodeURIComponent(before)}&starting_after=${d.id}`);
    expect(next.body.data[0].id).toBe(b.id);
    expect((await c.api.get('/v1/events?created_lt=2000-01-01T00:00:00Z')).body.data).toEqual([]);
    expect((await c.api.get('/v1/events?type=Call')).status).toBe(400);

    expect((await other.api.get(`/v1/events/${a.id}`)).status).toBe(404);
    expect((await other.api.get(`/v1/events?object_id=${b.data.object.id}`)).body.data).toEqual([]);
    expect((await c.api.get(`/v1/events/${a.id}/attempts`)).body).toMatchObject({ object: 'list', data: [], has_more: false });
  });

  it('answers 426 to the live streams over plain HTTP', async () => {
    for (const path of ['/v1/events/stream', '/v1/logs/stream']) {
      const res = await c.api.get(path);
      expect(res.status).toBe(426);
      expect(res.body.code).toBe('websocket_required');
    }
  });
});
