import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { signingSecrets } from './endpoint.js';
import { refusedAddress, refusedUrl, urlPolicy } from '../http/url-policy.js';

/**
 * Webhook endpoints through the API: the secret shown only on create and rotate, filters, updates,
 * the outbox rows events write for them, recovery and deletion, on both stores; and the SSRF rules.
 */
describe.each(storeKinds)('webhook endpoints (%s)', (kind) => {
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

  const deliveriesOf = (endpointId: string) =>
    t.server.store.db.selectFrom('event_deliveries').select(['event_id', 'status']).where('endpoint_id', '=', endpointId).orderBy('id').execute();

  it('creates an endpoint with a secret shown once, lists, retrieves and updates it; others see nothing', async () => {
    const created = await c.api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:4000/hooks', enabled_events: ['call.*'], description: 'CRM' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      object: 'webhook_endpoint',
      account_id: c.accountId,
      url: 'http://127.0.0.1:4000/hooks',
      enabled_events: ['call.*'],
      status: 'enabled',
      disabled_reason: null,
      failing_since: null,
      previous_secret_expires_at: null,
    });
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.id as string;

    const got = await c.api.get(`/v1/webhook-endpoints/${id}`);
    expect(got.body.secret).toBeUndefined();
    expect((await c.api.get('/v1/webhook-endpoints')).body.data.map((e: { id: string }) => e.id)).toContain(id);
    expect((await other.api.get(`/v1/webhook-endpoints/${id}`)).status).toBe(404);
    expect((await other.api.get('/v1/webhook-endpoints')).body.data).toEqual([]);

    const disabled = await c.api.patch(`/v1/webhook-endpoints/${id}`, { status: 'disabled' });
    // An update that leaves the filters out keeps them (the create default ['*'] is not filled in).
    expect(disabled.body).toMatchObject({ status: 'disabled', disabled_reason: 'manual', enabled_events: ['call.*'] });
    const enabled = await c.api.patch(`/v1/webhook-endpoints/${id}`, { status: 'enabled', enabled_events: ['*'], description: null });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabled_reason: null, enabled_events: ['*'], description: null });

    const bad = await c.api.post('/v1/webhook-endpoints', { url: 'http://x.example/hooks', enabled_events: ['Call Completed'] });
    expect(bad.status).toBe(400);
    const ftp = await c.api.post('/v1/webhook-endpoints', { url: 'ftp://example.com/hooks' });
    expect(ftp.status).toBe(422);
    expect(ftp.body.code).toBe('webhook_url_not_allowed');
  });

  it('writes a pending delivery with each matching event, a dropped one while disabled, and recovers them', async () => {
    const calls = (await c.api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:4001/calls', enabled_events: ['call.*'] })).body;
    const numbers = (await c.api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:4001/numbers', enabled_events: ['number.purchased'] })).body;

    const first = await c.api.post('/v1/events/trigger', { type: 'call.completed' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await deliveriesOf(calls.id)).toEqual([{ event_id: first.body.id, status: 'pending' }]);
    expect(await deliveriesOf(numbers.id)).toEqual([]);

    await c.api.patch(`/v1/webhook-endpoints/${calls.id}`, { status: 'disabled' });
    const second = await c.api.post('/v1/events/trigger', { type: 'call.answered' });
    expect((await deliveriesOf(calls.id)).map((d) => d.status)).toEqual(['pending', 'dropped']);

    const whileDisabled = await c.api.post(`/v1/webhook-endpoints/${calls.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() });
    expect(whileDisabled.status).toBe(409);
    expect(whileDisabled.body.code).toBe('webhook_endpoint_disabled');
    await c.api.patch(`/v1/webhook-endpoints/${calls.id}`, { status: 'enabled' });
    const recovered = await c.api.post(`/v1/webhook-endpoints/${calls.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() });
    expect(recovered.body).toMatchObject({ object: 'webhook_endpoint_recovery', endpoint_id: calls.id, scheduled: 1 });
    expect(await deliveriesOf(calls.id)).toEqual([
      { event_id: first.body.id, status: 'pending' },
      { event_id: second.body.id, status: 'pending' },
    ]);
    const tooOld = await c.api.post(`/v1/webhook-endpoints/${calls.id}/recover`, { since: '2020-01-01T00:00:00Z' });
    expect(tooOld.status).toBe(422);
    expect(tooOld.body.code).toBe('recover_since_too_old');

    // To every enabled endpoint it matches: this one and the catch-all of the first test.
    const resent = await c.api.post(`/v1/events/${first.body.id}/resend`, {});
    expect(resent.body).toMatchObject({ object: 'event_resend', event_id: first.body.id, scheduled: 2 });
    const onlyHere = await c.api.post(`/v1/events/${first.body.id}/resend`, { endpoint_id: numbers.id });
    expect(onlyHere.body.scheduled).toBe(1);
    expect((await deliveriesOf(calls.id)).filter((d) => d.event_id === first.body.id)).toHaveLength(2);
    expect((await deliveriesOf(numbers.id)).map((d) => d.event_id)).toEqual([first.body.id]);

    const deleted = await c.api.delete(`/v1/webhook-endpoints/${calls.id}`);
    expect(deleted.body).toEqual({ id: calls.id, object: 'webhook_endpoint', deleted: true });
    expect(await deliveriesOf(calls.id)).toEqual([]);
    expect((await c.api.get(`/v1/webhook-endpoints/${calls.id}`)).status).toBe(404);
  });

  it('rotates the secret, keeping the previous one for the grace period', async () => {
    const created = (await c.api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:4002/hooks' })).body;
    const rotated = await c.api.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const expires = new Date(rotated.body.previous_secret_expires_at).getTime();
    expect(expires - Date.now()).toBeGreaterThan(86_000_000);
    const row = await t.server.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    // Both kept sealed (never in the clear), and both sign during the grace period.
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect(JSON.stringify(row)).not.toContain(rotated.body.secret);
    expect(signingSecrets(row, new Date(), t.server.secrets)).toEqual([rotated.body.secret, created.secret]);
    const now = await c.api.post(`/v1/webhook-endpoints/${created.id}/rotate-secret`, { previous_secret_expires_in: 0 });
    expect(now.body.previous_secret_expires_at).toBeNull();
  });
});

describe('webhook URL rules (SSRF)', () => {
  const production = urlPolicy({ development: false, webhookAllow: [] });
  const development = urlPolicy({ development: true, webhookAllow: [] });
  const allowList = urlPolicy({ development: false, webhookAllow: ['10.1.2.0/24', '127.0.0.1'] });

  it.each([
    ['93.184.215.14', production, undefined],
    ['203.0.113.10', production, 'reserved'],
    ['8.8.8.8', production, undefined],
    ['127.0.0.1', production, 'loopback'],
    ['10.0.0.5', production, 'private'],
    ['192.168.1.1', production, 'private'],
    ['169.254.169.254', production, 'linkLocal'],
    ['::1', production, 'loopback'],
    ['::ffff:10.0.0.1', production, 'private'],
    ['fd00::1', production, 'uniqueLocal'],
    ['0.0.0.0', production, 'unspecified'],
    ['224.0.0.1', production, 'multicast'],
    ['127.0.0.1', development, undefined],
    ['10.0.0.5', development, undefined],
    ['169.254.169.254', development, undefined],
    ['0.0.0.0', development, 'unspecified'],
    ['10.1.2.3', allowList, undefined],
    ['10.1.3.3', allowList, 'private'],
    ['127.0.0.1', allowList, undefined],
  ])('%s', (address, policy, range) => {
    const why = refusedAddress(address, policy);
    if (range === undefined) expect(why).toBeUndefined();
    else expect(why).toContain(range);
  });

  it('checks every address a host name resolves to, and the URL itself', async () => {
    const resolve = (async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]) as never;
    expect(await refusedUrl('https://hooks.example.com/x', production, resolve)).toBe(
      'hooks.example.com resolves to 10.0.0.7, and 10.0.0.7 is a private address',
    );
    expect(await refusedUrl('https://user:pw@example.com/', production)).toMatch(/user name or password/);
    expect(await refusedUrl('http://[::1]:4000/', production)).toMatch(/loopback/);
    expect(await refusedUrl('http://localhost:4000/', development)).toBeUndefined();
  });

  it('the API refuses a private address outside development mode', async () => {
    const t = await startTestServer('sqlite', { config: { development: false } });
    try {
      const c = await t.customer();
      const res = await c.api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:4000/hooks' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('webhook_url_not_allowed');
      expect(res.body.detail).toContain('loopback');
      expect((await c.api.get('/v1/webhook-endpoints')).body.data).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
