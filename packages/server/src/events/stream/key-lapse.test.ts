import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { eventually } from '../../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { KEY_LAPSED_CLOSE_CODE } from './serve.js';
import { openStream, refusal } from './test-client.js';

/**
 * A live stream lives only as long as its key: revoking the key (in this process or another sharing
 * PostgreSQL) or reaching its expiry closes the stream with 4401 and a reason naming why, and the key
 * cannot open another.
 */
describe.each(storeKinds)('live streams end with their key (%s)', (kind) => {
  let t: TestServer;
  const clock = manualClock(new Date());
  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
  });
  afterAll(() => t?.close());

  it('revoking the key closes its open events and logs streams at once, with 4401 "api key revoked"', async () => {
    const c = await t.customer();
    const key = (await c.api.post('/v1/api-keys', { name: 'listener', scopes: ['events:read'] })).body;
    const events = await openStream(t.url, '/v1/events/stream', key.secret);
    const logs = await openStream(t.url, '/v1/logs/stream', key.secret);
    // Both are live: an event reaches them.
    const fired = (await c.api.post('/v1/events/trigger', { type: 'call.initiated' })).body;
    expect((await events.next()).id).toBe(fired.id);

    const revoked = await c.api.post(`/v1/api-keys/${key.id}/revoke`);
    expect(revoked.status).toBe(200);
    for (const stream of [events, logs]) expect(await stream.closed).toEqual({ code: KEY_LAPSED_CLOSE_CODE, reason: 'api key revoked' });
    // The server forgets a socket once its TCP connection is gone, a moment after the client saw the close frame.
    expect(await eventually(async () => t.server.app.liveStreams.count(c.accountId), (n) => n === 0)).toBe(0);
    expect((await refusal(t.url, '/v1/events/stream', key.secret)).body.code).toBe('invalid_api_key');
  });

  it('a stream of another key of the account stays open', async () => {
    const c = await t.customer();
    const doomed = (await c.api.post('/v1/api-keys', { name: 'doomed', scopes: ['events:read'] })).body;
    const kept = await openStream(t.url, '/v1/events/stream', c.key);
    const closing = await openStream(t.url, '/v1/events/stream', doomed.secret);
    await c.api.post(`/v1/api-keys/${doomed.id}/revoke`);
    expect((await closing.closed).code).toBe(KEY_LAPSED_CLOSE_CODE);
    const fired = (await c.api.post('/v1/events/trigger', { type: 'call.answered' })).body;
    // The revocation's own event may come first; the stream goes on.
    let next = await kept.next();
    if (next.type === 'api_key.revoked') next = await kept.next();
    expect(next.id).toBe(fired.id);
    await kept.close();
  });

  it('an expiring key closes its stream with 4401 "api key expired" once its time comes', async () => {
    const c = await t.customer();
    const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const key = (await c.api.post('/v1/api-keys', { name: 'hour', scopes: ['events:read'], expires_at: expiresAt })).body;
    const stream = await openStream(t.url, '/v1/events/stream', key.secret);
    clock.advance(2 * 3_600_000);
    expect(await stream.closed).toEqual({ code: KEY_LAPSED_CLOSE_CODE, reason: 'api key expired' });
  });
});

describe.skipIf(!storeKinds.includes('postgres'))('a key revoked by another process (postgres)', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    db = await createDatabase();
    // `sqlite` here only means the harness makes no database of its own: both use the shared one.
    a = await startTestServer('sqlite', { config: { databaseUrl: db.url, sipEnabled: false } });
    b = await startTestServer('sqlite', { config: { databaseUrl: db.url, operatorKey: a.operatorKey, sipEnabled: false } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  it("closes the stream open on the other process within the key cache's time", async () => {
    const c = await a.customer();
    const key = (await c.api.post('/v1/api-keys', { name: 'listener', scopes: ['events:read'] })).body;
    const stream = await openStream(b.url, '/v1/events/stream', key.secret);
    expect((await c.api.post(`/v1/api-keys/${key.id}/revoke`)).status).toBe(200);
    expect(await stream.closed).toEqual({ code: KEY_LAPSED_CLOSE_CODE, reason: 'api key revoked' });
  }, 30_000);
});
