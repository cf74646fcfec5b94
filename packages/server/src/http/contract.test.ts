import { describe, expect, it } from 'vitest';
import { allHandlers, missingHandlers } from '../app.js';
import { manualClock } from '../clock.js';
import { ActiveCalls } from '../calls/active-calls.js';
import { PromptPlaybacks } from '../telephony/verbs/prompt-playbacks.js';
import type { CallDeps } from '../calls/call-deps.js';
import { createEventBus } from '../store/event-bus.js';
import { openapiDocument, operationIds, operationTable } from './operations.js';

// The spec is the one contract: these checks fail when code and spec drift apart.
describe('contract', () => {
  const deps = {
    db: {} as never,
    storeKind: 'sqlite',
    events: createEventBus(),
    clock: manualClock('2026-01-01T00:00:00Z'),
    version: 'test',
    auth: {} as never,
    recordings: {} as never,
    exportFiles: {} as never,
    webhookPolicy: {} as never,
    sip: { host: '127.0.0.1', port: 5060, domain: 'sip.localhost' },
    secrets: {} as never,
    activeCalls: new ActiveCalls(),
    promptPlaybacks: new PromptPlaybacks(),
  } satisfies CallDeps;

  it('every operation in the spec has a handler', () => {
    expect(missingHandlers(allHandlers(deps))).toEqual([]);
    expect(operationIds.length).toBeGreaterThanOrEqual(15);
  });

  it('no handler exists for an operation the spec lacks', () => {
    const extra = Object.keys(allHandlers(deps)).filter((id) => !(operationIds as readonly string[]).includes(id));
    expect(extra).toEqual([]);
  });

  it('every POST takes an Idempotency-Key, and every operation documents the answers any request can get', () => {
    const paths = openapiDocument.paths as Record<string, Record<string, any>>;
    for (const op of operationTable().values()) {
      const spec = paths[op.path]?.[op.method.toLowerCase()];
      const refs = JSON.stringify(spec.parameters ?? []);
      if (op.method === 'POST' && op.scopes) expect(refs, op.id).toContain('IdempotencyKey');
      // 400 (a NUL in the query, a body where none is taken), 414 (a too long id), 429 (rate limit) anywhere;
      // 401/403 where a key is needed; 413/415 where a body is read.
      const expected = ['400', '414', '429', ...(op.scopes ? ['401', '403'] : []), ...(op.hasBody ? ['413', '415'] : [])];
      expect(Object.keys(spec.responses), op.id).toEqual(expect.arrayContaining(expected));
    }
  });

  it('every request body refuses unknown fields', () => {
    const schemas = (openapiDocument.components as any).schemas as Record<string, any>;
    for (const op of operationTable().values()) {
      const spec = (openapiDocument.paths as any)[op.path][op.method.toLowerCase()];
      const ref: string | undefined = spec.requestBody?.content?.['application/json']?.schema?.$ref;
      if (!ref) continue;
      expect(schemas[ref.split('/').pop() as string].additionalProperties, op.id).toBe(false);
    }
  });
});
