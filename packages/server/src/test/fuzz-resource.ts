import { fuzzCases, prng } from './fuzz-cases.js';
import { rawRequest } from './raw-request.js';
import type { SpecOperation } from './spec-operations.js';
import { validateResponse } from './spec-validator.js';

/**
 * Sends `perOperation` fuzzed requests to each of `ops` with the customer's key `key` (or a bogus or
 * no key, as each case says) and returns what went wrong: a 5xx, an error not in problem+json, or an
 * answer outside the spec. A resource's own test runs its operations through this; http/fuzz.test.ts
 * runs the whole spec with more bookkeeping of its own.
 */
export async function fuzzFailures(
  baseUrl: string,
  key: string,
  ops: SpecOperation[],
  o: { seed: number; perOperation: number; realIds: Map<string, string> },
): Promise<string[]> {
  const rng = prng(o.seed);
  const failures: string[] = [];
  for (const op of ops) {
    for (const fc of fuzzCases(op, rng, o.perOperation, o.realIds)) {
      const auth = fc.key === 'bogus' ? 'sk_test_0000000000000000000000000000' : fc.key === 'none' ? undefined : key;
      const res = await rawRequest(baseUrl, fc.method, fc.path, {
        ...(fc.body === undefined ? {} : { body: fc.body }),
        headers: { ...(fc.body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      });
      const type = String(res.headers['content-type'] ?? '');
      const label = `${op.id} ${fc.method} ${fc.path} [${fc.mutation}] -> ${res.status}`;
      if (res.status >= 500) failures.push(`${label}: ${res.text.slice(0, 200)}`);
      else if (res.status >= 400 && !type.startsWith('application/problem+json')) failures.push(`${label}: not problem+json`);
      else {
        const problems = validateResponse(fc.method, fc.path, res.status, type, res.json);
        if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
      }
    }
  }
  return failures;
}
