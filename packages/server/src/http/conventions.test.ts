import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

describe.each(storeKinds)('API conventions (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  const count = async (table: 'contacts' | 'accounts' | 'events') =>
    Number(
      (
        await t.server.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestServer(kind);
    c = await t.customer();
  });
  afterAll(() => t?.close());

  it('answers health without a key, and serves the spec and the reference UI', async () => {
    const health = await t.client().get('/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', store: kind });
    const spec = await fetch(`${t.url}/openapi.json`);
    expect(spec.status).toBe(200);
    const doc = await spec.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/api-keys');
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/<html/i);
  });

  it.each([
    ['malformed JSON', '{"name": "x",', 'invalid_json', 400],
    ['a JSON array instead of an object', '[1,2]', 'validation_failed', 400],
    ['a wrong type', JSON.stringify({ name: 42, email: 'a@example.com' }), 'validation_failed', 400],
    ['an unknown field', JSON.stringify({ name: 'A', email: 'a@example.com', emial: 'typo' }), 'unknown_field', 400],
    ['a 2 MiB body', JSON.stringify({ name: 'A', email: 'a@example.com', pad: 'x'.repeat(2 * 1024 * 1024) }), 'body_too_large', 413],
  ])('refuses %s with a problem and writes nothing', async (_what, raw, code, status) => {
    const before = await count('contacts');
    const res = await c.api.request('POST', '/v1/contacts', { rawBody: raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    expect(res.body.detail.length).toBeGreaterThan(10);
    expect(await count('contacts')).toBe(before);
  });

  it('names the misspelt field', async () => {
    const res = await c.api.post('/v1/contacts', { name: 'A', email: 'a@example.com', emial: 'x' });
    expect(res.body.param).toBe('/body/emial');
    expect(res.body.detail).toContain('emial');
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'name=A&email=a@example.com'],
    // The spec names problem+json for responses only; it is not a way around body validation.
    ['problem+json', 'application/problem+json', JSON.stringify({ name: 'x', email: 'bad', role: 'god', zz: 1 })],
    ['text/plain', 'text/plain', JSON.stringify({ name: 'A', email: 'a@example.com' })],
    ['no content type', '', JSON.stringify({ name: 'A', email: 'a@example.com' })],
  ])('refuses %s as a body with 415 and writes nothing', async (_what, type, raw) => {
    const before = await count('contacts');
    // Bytes, not a string: fetch would label a string body text/plain by itself.
    const res = await fetch(`${t.url}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.key}`, ...(type ? { 'content-type': type } : {}) },
      body: new TextEncoder().encode(raw),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('unsupported_media_type');
    expect(await count('contacts')).toBe(before);
  });

  it('refuses a bad query parameter and a malformed id', async () => {
    expect((await c.api.get('/v1/contacts?limit=1000')).status).toBe(400);
    expect((await c.api.get('/v1/contacts?limit=abc')).body.code).toBe('validation_failed');
    expect((await c.api.get('/v1/contacts/not-an-id')).status).toBe(400);
  });

  it('puts a unique Prolope-Request-Id on every response, errors included', async () => {
    const a = await c.api.get('/v1/accounts/me');
    const b = await t.client().get('/v1/accounts/me');
    const d = await t.client().get('/v1/nowhere');
    const ids = [a, b, d].map((r) => r.headers.get('prolope-request-id'));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(b.body.request_id).toBe(ids[1]);
    expect(d.status).toBe(404);
    expect(d.body.code).toBe('route_not_found');
  });

  it('answers a known path asked with another method 405 with Allow, and an unknown path 404', async () => {
    const contactsBefore = await count('contacts');
    const put = await c.api.request('PUT', '/v1/contacts/con_123', { body: { name: 'x' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('content-type')).toContain('application/problem+json');
    expect(put.body.code).toBe('method_not_allowed');
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    expect(put.body.detail).toContain('PATCH');
    const list = await c.api.delete('/v1/contacts');
    expect(list.status).toBe(405);
    expect(list.headers.get('allow')).toBe('GET, HEAD, POST');
    // A path that only looks like one (an extra segment) is still unknown.
    expect((await c.api.get('/v1/contacts/con_123/extra')).status).toBe(404);
    expect(await count('contacts')).toBe(contactsBefore);
  });

  it('replays a POST with the same Idempotency-Key and body, creating once', async () => {
    const before = await count('contacts');
    const headers = { 'idempotency-key': `k-${kind}-1` };
    const body = { name: 'Once', email: 'once@example.com' };
    const first = await c.api.post('/v1/contacts', body, { headers });
    const second = await c.api.post('/v1/contacts', body, { headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await count('contacts')).toBe(before + 1);
  });

  it('refuses the same Idempotency-Key with another body', async () => {
    const headers = { 'idempotency-key': `k-${kind}-2` };
    await c.api.post('/v1/contacts', { name: 'A', email: 'a@example.com' }, { headers });
    const res = await c.api.post('/v1/contacts', { name: 'B', email: 'b@example.com' }, { headers });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('idempotency_key_reused');
    expect(res.headers.get('prolope-should-retry')).toBe('false');
  });

  it('keys are per account: another account may use the same key', async () => {
    const other = await t.customer();
    const headers = { 'idempotency-key': `shared-${kind}` };
    const a = await c.api.post('/v1/contacts', { name: 'A', email: 'a@example.com' }, { headers });
    const b = await other.api.post('/v1/contacts', { name: 'A', email: 'a@example.com' }, { headers });
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('ten concurrent POSTs with one key create exactly one record', async () => {
    const before = await count('accounts');
    const headers = { 'idempotency-key': `k-${kind}-race` };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.operator.post('/v1/accounts', accountBody('Racer'), { headers })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.code).toBe('idempotency_key_in_use');
    expect(await count('accounts')).toBe(before + 1);
  });

  it('refuses an unknown method on a known path without a 500', async () => {
    const res = await c.api.request('PUT', '/v1/contacts');
    expect([404, 405]).toContain(res.status);
    expect(res.body.code).toMatch(/not_found|not_allowed/);
  });
});

describe('rate limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { config: { rateLimitPerSecond: 5 } });
  });
  afterAll(() => t?.close());

  it('announces limits and answers 429 problem+json with Retry-After past them, per key', async () => {
    const c = await t.customer();
    const res = [];
    for (let i = 0; i < 7; i++) res.push(await c.api.get('/v1/accounts/me'));
    expect(res[0]?.headers.get('ratelimit-limit')).toBe('5');
    expect(res[0]?.headers.get('ratelimit-remaining')).toBe('4');
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.body.code).toBe('rate_limited');
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.headers.get('prolope-should-retry')).toBe('true');
    // Another key has its own budget.
    expect((await t.operator.get('/v1/accounts/me')).status).toBe(200);
  });
});
