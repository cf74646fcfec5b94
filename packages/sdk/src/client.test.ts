import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Middleware, Prolope, ProlopeError } from './index.js';
import { apiKey, json, startServer, type TestServer, text } from './test-server.js';
import { operations } from '@prolope/contract/operations';
import { VERSION } from './version.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { _backoff: { baseDelayMs: 1, maxDelayMs: 5 } };

describe('Prolope client', () => {
  it('sends the key as a Bearer token and resolves to the typed body', async () => {
    server = await startServer([json(200, apiKey('key_1'))]);
    const prolope = new Prolope({ apiKey: 'pk_test_abc', baseUrl: server.url });

    const key = await prolope.apiKeys.retrieve('key_1');

    expect(key.id).toBe('key_1');
    expect(key.status).toBe('active');
    const [req] = server.requests;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe('/v1/api-keys/key_1');
    expect(req?.headers.authorization).toBe('Bearer pk_test_abc');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['user-agent']).toMatch(new RegExp(`^prolope-sdk-js/${VERSION.replace(/\./g, '\\.')} node/`));
    expect(req?.headers['idempotency-key']).toBeUndefined();
  });

  it('appends userAgent and accepts a trailing slash on baseUrl', async () => {
    server = await startServer([json(200, { status: 'ok', time: '2026-01-01T00:00:00Z', version: '1' })]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: `${server.url}/`, userAgent: 'my-app/1.2' });
    const health = await prolope.health.retrieve();
    expect(health.status).toBe('ok');
    expect(server.requests[0]?.url).toBe('/v1/health');
    expect(server.requests[0]?.headers['user-agent']).toMatch(/ my-app\/1\.2$/);
  });

  it('reads PROLOPE_API_KEY when no apiKey is given, and sends no Authorization without either', async () => {
    server = await startServer(json(200, { status: 'ok', time: 't', version: '1' }));
    const saved = process.env.PROLOPE_API_KEY;
    try {
      process.env.PROLOPE_API_KEY = 'pk_from_env';
      await new Prolope({ baseUrl: server.url }).health.retrieve();
      delete process.env.PROLOPE_API_KEY;
      await new Prolope({ baseUrl: server.url }).health.retrieve();
    } finally {
      if (saved === undefined) delete process.env.PROLOPE_API_KEY;
      else process.env.PROLOPE_API_KEY = saved;
    }
    expect(server.requests[0]?.headers.authorization).toBe('Bearer pk_from_env');
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
  });

  it('POSTs a JSON body with a generated Idempotency-Key', async () => {
    server = await startServer([json(201, apiKey('key_new', { secret: 'pk_live_secret' }))]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const created = await prolope.apiKeys.create({ name: 'ci', scopes: ['contacts:read'] });

    expect(created.secret).toBe('pk_live_secret');
    const req = server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v1/api-keys');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({ name: 'ci', scopes: ['contacts:read'] });
    expect(req?.headers['idempotency-key']).toMatch(/^prolope-node-retry-[0-9a-f-]{36}$/);
  });

  it('gives each logical POST its own key', async () => {
    server = await startServer(json(200, apiKey('key_1', { status: 'revoked' })));
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    await prolope.apiKeys.revoke('key_1');
    await prolope.apiKeys.revoke('key_1');
    expect(server.requests.map((r) => r.url)).toEqual(['/v1/api-keys/key_1/revoke', '/v1/api-keys/key_1/revoke']);
    expect(server.requests[0]?.body).toBe('');
    expect(server.requests[0]?.headers['idempotency-key']).not.toBe(server.requests[1]?.headers['idempotency-key']);
  });

  it('PATCHes with path param then body, and sends per-call headers', async () => {
    server = await startServer([json(200, { object: 'contact', id: 'ctc_1', email: 'new@example.com' })]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const contact = await prolope.contacts.update('ctc_1', { email: 'new@example.com' }, { headers: { 'X-Trace': 't1' } });

    expect(contact.email).toBe('new@example.com');
    const req = server.requests[0];
    expect(req?.method).toBe('PATCH');
    expect(req?.url).toBe('/v1/contacts/ctc_1');
    expect(JSON.parse(req?.body ?? '')).toEqual({ email: 'new@example.com' });
    expect(req?.headers['x-trace']).toBe('t1');
    expect(req?.headers['idempotency-key']).toBeUndefined();
  });

  it('request() substitutes and encodes path params and encodes the query', async () => {
    server = await startServer(json(200, { object: 'list', data: [], has_more: false, next_cursor: null }));
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    await prolope.request('apiKeys.retrieve', { path: { id: 'key a/b?c' } });
    await prolope.request('contacts.list', { query: { limit: 5, starting_after: 'ctc_x&y=z' } });
    await prolope.request('contacts.delete', { path: { id: 'ctc_9' } });

    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/api-keys/key%20a%2Fb%3Fc',
      'GET /v1/contacts?limit=5&starting_after=ctc_x%26y%3Dz',
      'DELETE /v1/contacts/ctc_9',
    ]);
  });

  it('request() accepts an operation id chosen at run time', async () => {
    server = await startServer(json(200, apiKey('key_7')));
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const id = ['apiKeys.retrieve', 'accounts.me'][0] as 'apiKeys.retrieve' | 'accounts.me';
    const result = (await prolope.request(id, { path: { id: 'key_7' } })) as { id: string };
    expect(result.id).toBe('key_7');
  });

  it('rejects a missing or empty path param and an unknown operation before sending anything', async () => {
    server = await startServer(json(200, {}));
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    await expect(prolope.apiKeys.retrieve('')).rejects.toThrow(/apiKeys\.retrieve needs the path parameter "id"/);
    await expect(prolope.request('contacts.update', { body: {} } as never)).rejects.toThrow(TypeError);
    expect(() => prolope.request('nope.nothing' as never)).toThrow(/Unknown operation "nope\.nothing"/);
    expect(server.requests).toHaveLength(0);
  });

  it('runs custom middleware once per call, after auth and idempotency', async () => {
    server = await startServer([json(503, {}), json(201, apiKey('key_m'))]);
    const seen: { auth: string | null; key: string | null }[] = [];
    const statuses: number[] = [];
    const middleware: Middleware = {
      onRequest({ request }) {
        seen.push({ auth: request.headers.get('authorization'), key: request.headers.get('idempotency-key') });
        request.headers.set('X-From-Middleware', 'yes');
      },
      onResponse({ response }) {
        statuses.push(response.status);
      },
    };
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url, middleware: [middleware], ...fast });

    await prolope.apiKeys.create({ name: 'm', scopes: [] });

    expect(seen).toHaveLength(1);
    expect(seen[0]?.auth).toBe('Bearer k');
    expect(seen[0]?.key).toMatch(/^prolope-node-retry-/);
    expect(statuses).toEqual([201]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((r) => r.headers['x-from-middleware'] === 'yes')).toBe(true);
  });

  it('exposes the typed openapi-fetch client as raw, with the same auth', async () => {
    server = await startServer([json(200, apiKey('key_raw'))]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const { data, error } = await prolope.raw.GET('/v1/api-keys/{id}', { params: { path: { id: 'key_raw' } } });

    expect(error).toBeUndefined();
    expect(data?.id).toBe('key_raw');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer k');
  });

  it('builds one namespace per resource from the operation table', () => {
    const prolope = new Prolope({ apiKey: 'k' });
    expect(Object.keys(prolope.apiKeys).sort()).toEqual(['create', 'list', 'retrieve', 'revoke']);
    expect(Object.keys(prolope.contacts).sort()).toEqual(['create', 'delete', 'list', 'retrieve', 'update']);
    expect(typeof prolope.accounts.me).toBe('function');
    expect(prolope).toBeInstanceOf(Prolope);
  });

  it('has a method for every operation in the spec', () => {
    const prolope = new Prolope({ apiKey: 'k' }) as unknown as Record<string, Record<string, unknown>>;
    const missing = Object.values(operations).filter((op) => typeof prolope[op.resource]?.[op.action] !== 'function');
    expect(missing.map((op) => `${op.resource}.${op.action}`)).toEqual([]);
    expect(Object.keys(operations).length).toBeGreaterThanOrEqual(15);
  });

  it('resolves to undefined on an empty 204', async () => {
    server = await startServer([
      (res) => {
        res.writeHead(204).end();
      },
    ]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    await expect(prolope.contacts.delete('ctc_1')).resolves.toBeUndefined();
    expect(server.requests[0]?.method).toBe('DELETE');
  });

  it('says what is wrong when a 2xx is not JSON', async () => {
    server = await startServer([text(200, '<html>welcome</html>')]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const err = await prolope.accounts.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProlopeError);
    expect((err as Error).message).toContain(`is baseUrl (${server.url}) a Prolope API?`);
  });

  it('rejects bad options at construction', () => {
    expect(() => new Prolope({ baseUrl: 'https://api.example.com/', maxRetries: 0 })).not.toThrow();
    expect(() => new Prolope({ baseUrl: 'localhost:3000' })).toThrow(/baseUrl must be an absolute URL/);
    expect(() => new Prolope({ baseUrl: 'not a url' })).toThrow(/baseUrl must be an absolute URL/);
    expect(() => new Prolope({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new Prolope({ timeout: 0 })).toThrow(/timeout/);
  });

  it('keeps VERSION in step with package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
