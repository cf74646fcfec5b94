import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';
import { CORS_EXPOSED_HEADERS } from './cors.js';

const ORIGIN = 'https://app.example.test';

describe('CORS (any origin, no credentials)', () => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  const contactCount = async () => (await c.api.get('/v1/contacts?limit=100')).body.data.length as number;

  beforeAll(async () => {
    // A real limit, to see that preflights do not count against it.
    t = await startTestServer('sqlite', { config: { rateLimitPerSecond: 1000 } });
    c = await t.customer();
  });
  afterAll(() => t?.close());

  it('answers a preflight with 204 before auth, allowing the headers the API reads, and writes nothing', async () => {
    const before = await contactCount();
    const res = await fetch(`${t.url}/v1/contacts`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, Idempotency-Key');
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    expect(res.headers.get('prolope-request-id')).toMatch(/^req_/);
    // The rate limiter never saw it: counted responses carry RateLimit-* headers.
    expect(res.headers.get('ratelimit-limit')).toBeNull();
    expect((await c.api.get('/v1/accounts/me')).headers.get('ratelimit-limit')).toBe('1000');
    expect(await contactCount()).toBe(before);
  });

  it.each(['/v1/accounts/me', '/v1/calls/call_01J00000000000000000000000/actions/hangup', '/v1/nowhere', '/openapi.json'])(
    'answers a preflight for %s without a key',
    async (path) => {
      const res = await fetch(t.url + path, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    },
  );

  it('answers a bare OPTIONS (no Origin) with 204, not a text/plain error', async () => {
    const res = await fetch(`${t.url}/v1/accounts/me`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('content-type')).toBeNull();
  });

  it('lets a page read the answer and the Prolope headers, errors included', async () => {
    const ok = await fetch(`${t.url}/v1/accounts/me`, { headers: { origin: ORIGIN, authorization: `Bearer ${c.key}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = ok.headers.get('access-control-expose-headers')?.split(', ');
    expect(exposed).toEqual([...CORS_EXPOSED_HEADERS]);
    for (const name of ['Prolope-Request-Id', 'RateLimit-Remaining']) {
      expect(exposed).toContain(name);
      expect(ok.headers.get(name), name).not.toBeNull();
    }
    expect((await ok.json()).id).toBe(c.accountId);

    const denied = await fetch(`${t.url}/v1/accounts/me`, { headers: { origin: ORIGIN, authorization: 'Bearer pk_live_notakey0000000000000000' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
    expect(denied.headers.get('access-control-expose-headers')).toContain('Prolope-Request-Id');
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
  });
});
