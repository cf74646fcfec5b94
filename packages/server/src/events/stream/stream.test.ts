import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import { startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { openStream, refusal } from './test-client.js';

/**
 * The live streams over real WebSockets (`ws` as the client) against a real server: refusals as HTTP
 * problems before the upgrade, events in order as their stored payloads, filters, resuming after an
 * id, events written without a bus hint (another process), the logs stream and a clean shutdown.
 */
describe.each(storeKinds)('live streams (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let other: Awaited<ReturnType<TestServer['customer']>>;

  const trigger = async (api: typeof c.api, type: string) => {
    const res = await api.post('/v1/events/trigger', { type });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; type: string };
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    c = await t.customer();
    other = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an upgrade with an HTTP problem: no key 401, no events:read 403, bad query 400, unknown path 404', async () => {
    const none = await refusal(t.url, '/v1/events/stream');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'missing_api_key', status: 401, instance: '/v1/events/stream' });
    expect(none.headers['prolope-request-id']).toMatch(/^req_/);
    expect((await refusal(t.url, '/v1/logs/stream', 'pk_live_notakeyatallreally')).body.code).toBe('invalid_api_key');

    const key = await c.api.post('/v1/api-keys', { name: 'contacts only', scopes: ['contacts:read'] });
    expect(key.status).toBe(201);
    const scoped = await refusal(t.url, '/v1/events/stream', key.body.secret);
    expect(scoped.status).toBe(403);
    expect(scoped.body).toMatchObject({ code: 'missing_scope' });
    expect(String(scoped.body.detail)).toContain('events:read');

    const badTypes = await refusal(t.url, '/v1/events/stream?types=call.*,DROP%20TABLE', c.key);
    expect(badTypes.body).toMatchObject({ status: 400, code: 'validation_failed', param: '/query/types' });
    expect((await refusal(t.url, '/v1/events/stream?starting_after=nope', c.key)).body.param).toBe('/query/starting_after');
    expect((await refusal(t.url, '/v1/nowhere', c.key)).status).toBe(404);
  });

  it('sends the events committed after it opened, in order, each as its stored payload', async () => {
    const before = await trigger(c.api, 'call.initiated');
    const stream = await openStream(t.url, '/v1/events/stream', c.key);
    const sent = [await trigger(c.api, 'call.initiated'), await trigger(c.api, 'call.answered'), await trigger(c.api, 'call.completed')];
    await trigger(other.api, 'call.completed');
    const got = [await stream.next(), await stream.next(), await stream.next()];
    expect(got).toEqual(sent);
    expect(got.map((e) => e.id)).not.toContain(before.id);
    // Nothing of the other account came in between: the next message is this account's.
    const mine = await trigger(c.api, 'number.purchased');
    expect((await stream.next()).id).toBe(mine.id);
    await stream.close();
  });

  it('filters by types, with prefix wildcards', async () => {
    const stream = await openStream(t.url, '/v1/events/stream?types=call.completed,number.*', c.key);
    await trigger(c.api, 'account.created');
    await trigger(c.api, 'call.answered');
    const number = await trigger(c.api, 'number.purchased');
    await trigger(c.api, 'call.initiated');
    const completed = await trigger(c.api, 'call.completed');
    expect([(await stream.next()).id, (await stream.next()).id]).toEqual([number.id, completed.id]);
    await stream.close();
  });

  it('sends the events after starting_after first, then live ones', async () => {
    const a = await trigger(c.api, 'call.initiated');
    const b = await trigger(c.api, 'call.answered');
    const d = await trigger(c.api, 'call.completed');
    const stream = await openStream(t.url, `/v1/events/stream?starting_after=${a.id}`, c.key);
    expect([(await stream.next()).id, (await stream.next()).id]).toEqual([b.id, d.id]);
    const live = await trigger(c.api, 'call.dtmf');
    expect((await stream.next()).id).toBe(live.id);
    await stream.close();
  });

  it('picks up events written without a bus hint, as another process would write them', async () => {
    const stream = await openStream(t.url, '/v1/events/stream', c.key);
    const id = newId('event');
    const payload = {
      id,
      object: 'event',
      type: 'call.answered',
      created_at: new Date().toISOString(),
      account_id: c.accountId,
      data: { object: { id: 'call_x' } },
    };
    await t.server.store.db
      .insertInto('events')
      .values({ id, account_id: c.accountId, type: payload.type, object_id: 'call_x', payload: JSON.stringify(payload), created_at: payload.created_at })
      .execute();
    expect(await stream.next()).toEqual(payload);
    await stream.close();
  });

  it('streams the account’s requests (credentials in the query masked) and events on the logs stream', async () => {
    const stream = await openStream(t.url, '/v1/logs/stream', c.key);
    await c.api.get('/v1/accounts/me');
    expect(await stream.next()).toMatchObject({ object: 'request_log', method: 'GET', path: '/v1/accounts/me', status: 200, account_id: c.accountId });
    await other.api.get('/v1/accounts/me');
    const missing = await c.api.get('/v1/events/evt_01JD0000000000000000000000?token=s3cret&expand=x');
    expect(missing.status).toBe(404);
    const line = await stream.next();
    expect(line).toMatchObject({ object: 'request_log', status: 404, path: '/v1/events/evt_01JD0000000000000000000000?token=***&expand=x' });
    expect(line.id).toBe(missing.headers.get('prolope-request-id'));
    expect(typeof line.duration_ms).toBe('number');

    const event = await trigger(c.api, 'call.completed');
    const both = [await stream.next(), await stream.next()];
    expect(both).toContainEqual(event);
    expect(both).toContainEqual(expect.objectContaining({ object: 'request_log', method: 'POST', path: '/v1/events/trigger', status: 201 }));
    expect((await refusal(t.url, '/v1/logs/stream?types=call.*', c.key)).body.code).toBe('validation_failed');
    await stream.close();
  });

  it('closes its streams with 1001 when the server stops', async () => {
    const own = await startTestServer(kind);
    const customer = await own.customer();
    const stream = await openStream(own.url, '/v1/events/stream', customer.key);
    expect(own.server.app.liveStreams.count(customer.accountId)).toBe(1);
    await own.close();
    expect(await stream.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
