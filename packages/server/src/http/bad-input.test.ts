import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { rawRequest } from '../test/raw-request.js';
import { validateResponse } from '../test/spec-validator.js';
import { findNul, jsonDepthExceeds, MAX_JSON_DEPTH } from './body-policy.js';

describe('jsonDepthExceeds', () => {
  it('counts nesting outside strings only, escapes included', () => {
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(jsonDepthExceeds(`{"a":"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(jsonDepthExceeds(`{"a":"\\"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(jsonDepthExceeds(`{"a":"\\\\","b":${'['.repeat(5)}${']'.repeat(5)}}`, 3)).toBe(true);
  });

  it('finds a NUL in a value or a key, at its JSON pointer', () => {
    expect(findNul({ a: [1, 'x\u0000'] }, '/body')).toBe('/body/a/1');
    expect(findNul({ 'k\u0000': 1 }, '/body')).toBe('/body/k\\u0000');
    expect(findNul({ a: 'fine \\u0000 as text' }, '/body')).toBeUndefined();
  });
});

describe.each(storeKinds)('bad input answers 4xx problem+json inside the contract, writing nothing (%s)', (kind) => {
  let t: TestServer;
  let key: string;
  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    rawRequest(t.url, method, path, {
      ...(body === undefined ? {} : { body }),
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });
  const expectProblem = (res: Awaited<ReturnType<typeof send>>, method: string, path: string, status: number, code: string) => {
    expect(res.status, res.text).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json.code).toBe(code);
    expect(res.headers['prolope-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    expect(validateResponse(method, path, res.status, String(res.headers['content-type']), res.json)).toEqual([]);
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    const c = await t.customer();
    key = c.key;
    // The key's first use stamps last_used_at; done here so the snapshots compare only what the tests send.
    await c.api.get('/v1/accounts/me');
  });
  afterAll(() => t?.close());

  it('refuses JSON nested past the limit (it used to be a RangeError and a 500), with an Idempotency-Key too', async () => {
    const before = await dbSnapshot(t.server.store.db);
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    for (const [path, body] of [
      ['/v1/events/trigger', `{"type":"call.completed","overrides":{"data.x":${deep(100_000)}}}`],
      ['/v1/events/trigger', `{"type":"call.completed","overrides":{"data.x":${deep(5_000)}}}`],
      ['/v1/contacts', `{"name":${deep(200_000)}}`],
    ] as const) {
      const res = await send('POST', path, body, { 'idempotency-key': `deep-${body.length}` });
      expectProblem(res, 'POST', path, 400, 'json_too_deep');
      expect(res.json.detail).toContain(String(MAX_JSON_DEPTH));
    }
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
    // Nesting a real body uses is read as usual.
    const ok = await send('POST', '/v1/events/trigger', JSON.stringify({ type: 'call.completed', overrides: { 'data.object.status': 'busy' } }));
    expect(ok.status).toBe(201);
  });

  it('refuses a NUL character in a body value or key, the path or the query (PostgreSQL cannot store one)', async () => {
    const before = await dbSnapshot(t.server.store.db);
    const body = await send('POST', '/v1/contacts', JSON.stringify({ name: 'Ivan\u0000', email: 'ivan@example.com' }));
    expectProblem(body, 'POST', '/v1/contacts', 400, 'invalid_character');
    expect(body.json.param).toBe('/body/name');
    const nested = await send('POST', '/v1/events/trigger', JSON.stringify({ type: 'call.completed', overrides: { 'data.\u0000': 'x' } }));
    expectProblem(nested, 'POST', '/v1/events/trigger', 400, 'invalid_character');
    const patch = await send('PATCH', '/v1/accounts/me', JSON.stringify({ name: 'x\u0000' }));
    expect(patch.status).toBe(400);
    for (const path of ['/v1/contacts?starting_after=ctc_%00', '/v1/available-numbers?contains=%00', '/v1/contacts/ctc_%00']) {
      expectProblem(await send('GET', path), 'GET', path, 400, 'invalid_character');
    }
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
  });

  it('answers a path that is not UTF-8, a too long id and too large headers in problem+json', async () => {
    expectProblem(await send('GET', '/v1/contacts/%C0%AE'), 'GET', '/v1/contacts/x', 400, 'invalid_url');
    expectProblem(await send('POST', '/v1/numbers/%C0%AE/release'), 'POST', '/v1/numbers/x/release', 400, 'invalid_url');
    expectProblem(await send('GET', `/v1/contacts/${'a'.repeat(5000)}`), 'GET', '/v1/contacts/x', 414, 'uri_too_long');
    const huge = await send('GET', `/v1/contacts?starting_after=${'a'.repeat(20_000)}`);
    expect(huge.status).toBe(431);
    expect(huge.headers['content-type']).toContain('application/problem+json');
    expect(huge.json).toMatchObject({ status: 431, code: 'headers_too_large' });
    expect(huge.headers['prolope-request-id']).toBe(huge.json.request_id);
  });
});
