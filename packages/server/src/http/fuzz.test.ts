import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownNumber } from '../numbers/test-fixtures.js';
import { fuzzCases, prng } from '../test/fuzz-cases.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { rawRequest } from '../test/raw-request.js';
import { specOperations } from '../test/spec-operations.js';
import { validateResponse } from '../test/spec-validator.js';

// Seeded and bounded: the same seed sends the same requests, so a failure is replayed with
// PROLOPE_FUZZ_SEED=<seed>; PROLOPE_FUZZ_CASES raises the count per operation for a longer hunt.
const SEED = Number(process.env.PROLOPE_FUZZ_SEED ?? 20261101);
const CASES = Number(process.env.PROLOPE_FUZZ_CASES ?? 24);
const operations = specOperations();

describe.each(storeKinds)('spec-driven fuzzer (%s)', (kind) => {
  let t: TestServer;
  let customerKey: string;
  const realIds = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestServer(kind);
    const c = await t.customer();
    customerKey = c.key;
    // Objects the fuzzed ids point at, so handlers run past their lookups. The account ids are another
    // customer's, so terminating or suspending one does not stop the run.
    const other = await t.customer();
    realIds.set('/v1/accounts', other.accountId);
    realIds.set('/v1/numbers', (await ownNumber(t.operator, c.api)).number);
    realIds.set('/v1/contacts', (await c.api.post('/v1/contacts', { name: 'Fuzz Contact', email: 'fuzz@example.com' })).body.id);
    realIds.set('/v1/api-keys', (await c.api.post('/v1/api-keys', { name: 'fuzz', scopes: ['contacts:read'] })).body.id);
  }, 60_000);
  afterAll(() => t?.close());

  it(`answers every mutated request with a documented 2xx/4xx, problem+json for errors (seed ${SEED}, ${CASES} per operation)`, async () => {
    const rng = prng(SEED);
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    const reached = new Set<string>();
    for (const op of operations) {
      for (const c of fuzzCases(op, rng, CASES, realIds)) {
        const key = c.key === 'bogus' ? 'sk_test_0000000000000000000000000000' : c.key === 'none' || op.scopes === null ? undefined : op.scopes.includes('operator') ? t.operatorKey : customerKey;
        const res = await rawRequest(t.url, c.method, c.path, {
          ...(c.body === undefined ? {} : { body: c.body }),
          headers: { ...(c.body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { authorization: `Bearer ${key}` } : {}) },
        });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 300) reached.add(op.id);
        // What the run creates is fuzzed on by the operations after it (ports, trunks, incidents...).
        if (res.status === 201 && c.method === 'POST' && !op.path.endsWith('}') && typeof res.json?.id === 'string' && !realIds.has(op.path)) {
          realIds.set(op.path, op.path === '/v1/numbers' ? res.json.number : res.json.id);
        }
        const type = String(res.headers['content-type'] ?? '');
        const label = `${op.id} ${c.method} ${c.path.slice(0, 120)} [${c.mutation}] -> ${res.status}`;
        if (res.status >= 500) failures.push(`${label}: server error ${res.text.slice(0, 200)}`);
        else if (res.status >= 400 && !type.startsWith('application/problem+json')) failures.push(`${label}: error not in problem+json (${type})`);
        else if (!type.includes('json')) {
          // A download (WAV, ZIP) or a page: its status must still be one the operation documents.
          if (!op.statuses.has(res.status)) failures.push(`${label}: status not documented (${type})`);
        } else {
          const problems = validateResponse(c.method, c.path, res.status, type, res.json);
          if (problems.length > 0) failures.push(`${label}: outside the spec: ${problems.join('; ').slice(0, 300)}`);
        }
      }
    }
    expect(sent).toBe(operations.length * CASES);
    if (process.env.PROLOPE_FUZZ_REPORT) console.log(kind, Object.fromEntries(statuses), `${reached.size}/${operations.length} operations answered 2xx at least once`, operations.filter((o) => !reached.has(o.id)).map((o) => o.id).join(' '));
    expect(failures, `seed ${SEED}`).toEqual([]);
  }, 120_000);
});
