import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOf } from '../events/sample.js';
import { ownNumber } from '../numbers/test-fixtures.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { rawRequest } from '../test/raw-request.js';
import { type SpecOperation, specOperations } from '../test/spec-operations.js';
import { validateResponse } from '../test/spec-validator.js';

// Generated from the spec: a new operation is covered without editing this file.
const operations = specOperations();
const AT = new Date('2026-03-02T10:00:00Z');

/** Each kind of body a client may send, as bytes with its Content-Type (none for `none`). */
const bodies: Record<string, { type?: string; body: string }> = {
  'application/json': { type: 'application/json', body: '{"__probe":1}' },
  'application/problem+json': { type: 'application/problem+json', body: '{"__probe":1}' },
  'text/plain': { type: 'text/plain', body: '{"__probe":1}' },
  none: { body: '{"__probe":1}' },
  multipart: {
    type: 'multipart/form-data; boundary=prolope',
    body: '--prolope\r\nContent-Disposition: form-data; name="__probe"\r\n\r\n1\r\n--prolope--\r\n',
  },
};

describe.each(storeKinds)('request bodies on every operation of the spec (%s)', (kind) => {
  let t: TestServer;
  let customerKey: string;
  /** Real objects, so an operation that wrongly ran would change something the snapshot sees. */
  const real = new Map<string, string>();

  const keyFor = (op: SpecOperation) => (op.scopes === null ? undefined : op.scopes.includes('operator') ? t.operatorKey : customerKey);
  const pathOf = (op: SpecOperation) =>
    op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const collection = op.path.slice(0, op.path.indexOf(`{${name}}`) - 1);
      const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
      return encodeURIComponent(real.get(collection) ?? String(sampleOf(param?.schema, AT, name)));
    });
  const send = (op: SpecOperation, kindOfBody: string) => {
    const { type, body } = bodies[kindOfBody] as { type?: string; body: string };
    const key = keyFor(op);
    return rawRequest(t.url, op.method, pathOf(op), {
      body,
      headers: { ...(type ? { 'content-type': type } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    const c = await t.customer();
    customerKey = c.key;
    real.set('/v1/numbers', (await ownNumber(t.operator, c.api)).number);
    real.set('/v1/contacts', (await c.api.post('/v1/contacts', { name: 'Real Contact', email: 'real@example.com' })).body.id);
    real.set('/v1/api-keys', (await c.api.post('/v1/api-keys', { name: 'real', scopes: ['contacts:read'] })).body.id);
    real.set('/v1/accounts', c.accountId);
  });
  afterAll(() => t?.close());

  it('refuses a body an operation cannot take (415 for a non-JSON type, 400 body_not_allowed where it takes none), writing nothing', async () => {
    const before = await dbSnapshot(t.server.store.db);
    const wrong: string[] = [];
    let checked = 0;
    for (const op of operations) {
      for (const kindOfBody of Object.keys(bodies)) {
        if (op.hasBody && kindOfBody === 'application/json') continue; // read, not refused: the next test
        const res = await send(op, kindOfBody);
        const [status, code] = op.hasBody ? [415, 'unsupported_media_type'] : [400, 'body_not_allowed'];
        const label = `${op.id} ${op.method} ${op.path} with ${kindOfBody}`;
        checked++;
        if (res.status !== status || res.json?.code !== code) wrong.push(`${label}: ${res.status} ${res.json?.code ?? res.text.slice(0, 80)}`);
        const problems = validateResponse(op.method, pathOf(op), res.status, String(res.headers['content-type'] ?? ''), res.json);
        if (problems.length > 0) wrong.push(`${label}: outside the spec: ${problems.join('; ')}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(operations.length * 4 - 1);
    expect(await dbSnapshot(t.server.store.db)).toEqual(before);
    // The finding itself: the number is still held.
    const number = await t.client(customerKey).get(`/v1/numbers/${encodeURIComponent(real.get('/v1/numbers') as string)}`);
    expect(number.status).toBe(200);
  });

  it('reads an application/json body wherever one is taken: never 415, never 5xx, always a documented answer', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => o.hasBody)) {
      const res = await send(op, 'application/json');
      const label = `${op.id} ${op.method} ${op.path}`;
      if (res.status === 415 || res.status >= 500) wrong.push(`${label}: ${res.status} ${res.text.slice(0, 120)}`);
      const problems = validateResponse(op.method, pathOf(op), res.status, String(res.headers['content-type'] ?? ''), res.json);
      if (problems.length > 0) wrong.push(`${label}: outside the spec: ${problems.join('; ')}`);
      // The probe's field is not one any operation takes.
      if (res.status === 400 && res.json?.code === 'unknown_field') expect(res.json.detail).toContain('__probe');
    }
    expect(wrong).toEqual([]);
  });

  it('takes an operation without a body with no body, and with an empty one labelled JSON', async () => {
    const op = operations.find((o) => o.id === 'contacts.list') as SpecOperation;
    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      const res = await rawRequest(t.url, 'GET', op.path, { headers: { ...headers, authorization: `Bearer ${customerKey}` } });
      expect(res.status).toBe(200);
    }
    const release = operations.find((o) => o.id === 'numbers.release') as SpecOperation;
    const res = await rawRequest(t.url, 'POST', pathOf(release), {
      body: '',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customerKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.json.number).toBe(real.get('/v1/numbers'));
    expect((await t.client(customerKey).get(`/v1/numbers/${encodeURIComponent(res.json.number)}`)).status).toBe(404);
  });
});
