import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openStream, Refused } from '../events/stream/test-client.js';
import { startTestServer, type TestServer } from '../test/harness.js';

// Limits are per second of wall time; each test sends many more requests than its budget, in a burst,
// and asserts that some were refused and how, never how many fit in a second.
const PER_KEY = 5;
const PER_IP = 3;

const guessed = (i: number) => `pk_live_guess${String(i).padStart(32, '0')}`;

describe('rate limits hold: by key id after parsing, by client IP without a valid key', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { config: { rateLimitPerSecond: PER_KEY, rateLimitPerIp: PER_IP } });
  });
  afterAll(() => t?.close());

  it('requests with guessed keys or none are limited per IP: 429 problem+json with Retry-After, not 401 forever', async () => {
    const res = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? t.client(guessed(i)) : t.client()).get('/v1/accounts/me')));
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of res) expect([401, 429]).toContain(r.status);
    for (const r of limited) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.code).toBe('rate_limited');
      expect(r.body.detail).toContain('without a valid API key');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('ratelimit-limit')).toBe(String(PER_IP));
    }
  });

  it('every spelling of one key shares that key budget', async () => {
    const c = await t.customer();
    expect((await c.api.get('/v1/accounts/me')).status).toBe(200);
    const spellings = ['Bearer', 'bearer', 'BEARER', 'BeArEr'].flatMap((scheme) => ['', ' ', '  ', '\t'].map((gap) => `${scheme} ${gap}${c.key}`));
    const res = await Promise.all(spellings.map((authorization) => t.client().get('/v1/accounts/me', { headers: { authorization } })));
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of res) expect([200, 429]).toContain(r.status);
    for (const r of limited) {
      expect(r.body.detail).toContain('with this key');
      expect(r.headers.get('ratelimit-limit')).toBe(String(PER_KEY));
    }
  });

  it('a known key keeps its own budget while its address floods with bad keys', async () => {
    const c = await t.customer();
    expect((await c.api.get('/v1/accounts/me')).status).toBe(200);
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => t.client(guessed(100 + i)).get('/v1/contacts')));
    expect(flood.some((r) => r.status === 429)).toBe(true);
    const mine = await c.api.get('/v1/contacts');
    expect(mine.status).toBe(200);
    expect(mine.headers.get('ratelimit-limit')).toBe(String(PER_KEY));
  });

  it('live stream handshakes with guessed keys are limited per IP too', async () => {
    const refusals = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        openStream(t.url, '/v1/events/stream', guessed(200 + i)).then(
          () => undefined,
          (err: unknown) => err,
        ),
      ),
    );
    for (const r of refusals) expect(r).toBeInstanceOf(Refused);
    const statuses = refusals.map((r) => (r as Refused).status);
    expect(statuses).toContain(429);
    const limited = refusals.find((r) => (r as Refused).status === 429) as Refused;
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('public endpoints are limited per IP', async () => {
    // Through the spec-checking client: the 429 is a documented answer of health.retrieve.
    const res = await Promise.all(Array.from({ length: 20 }, () => t.client().get('/v1/health')));
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body.code).toBe('rate_limited');
    expect(limited[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('the client IP behind a trusted proxy (PROLOPE_TRUST_PROXY)', () => {
  const flood = (url: string, forwardedFor: string) =>
    Promise.all(
      Array.from({ length: 20 }, () => fetch(`${url}/v1/accounts/me`, { headers: { 'x-forwarded-for': forwardedFor } })).map((p) => p.then((r) => r.status)),
    );

  it('with the proxy trusted, each forwarded client has its own budget', async () => {
    const t = await startTestServer('sqlite', { config: { rateLimitPerSecond: PER_KEY, rateLimitPerIp: PER_IP, trustProxy: ['127.0.0.1'] } });
    try {
      expect(await flood(t.url, '198.51.100.1')).toContain(429);
      const other = await fetch(`${t.url}/v1/accounts/me`, { headers: { 'x-forwarded-for': '198.51.100.2' } });
      expect(other.status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('by default X-Forwarded-For is ignored: a client cannot pick a fresh address per request', async () => {
    const t = await startTestServer('sqlite', { config: { rateLimitPerSecond: PER_KEY, rateLimitPerIp: PER_IP } });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fetch(`${t.url}/v1/accounts/me`, { headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } }).then((r) => r.status)),
      );
      expect(statuses).toContain(429);
    } finally {
      await t.close();
    }
  });

  it('reads the setting: off, hops, addresses and CIDR blocks; refuses "true" and junk', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PROLOPE_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ PROLOPE_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ PROLOPE_TRUST_PROXY: '10.0.0.0/8, loopback,2001:db8::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '2001:db8::1']);
    expect(() => loadConfig({ PROLOPE_TRUST_PROXY: 'true' })).toThrow(/X-Forwarded-For/);
    expect(() => loadConfig({ PROLOPE_TRUST_PROXY: 'proxy.example.com' })).toThrow(/PROLOPE_TRUST_PROXY/);
    expect(loadConfig({ PROLOPE_RATE_LIMIT_IP: '7' }).rateLimitPerIp).toBe(7);
  });
});
