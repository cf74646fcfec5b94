import Fastify, { type FastifyReply } from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { describe, expect, it } from 'vitest';
import { requestDefaults } from './contract.js';
import { openapiDocument, operationTable } from './operations.js';
import { installValidators } from './validation.js';

/**
 * Handlers' body types mark the fields with a spec default as present (generated `requestDefaults`),
 * because validation fills them in. This checks that claim against the real validation: the spec
 * wired by the same glue and Ajv as the app, each body sent empty, and the fields that came back
 * filled compared with the generated list. A default Ajv does not apply (inside oneOf, say) listed
 * as present, or one applied but not listed, fails here.
 */
const PATH_VALUES: Record<string, string> = { number: encodeURIComponent('+35924001234'), year: '2026' };

describe('request defaults', () => {
  it('are exactly the fields validation fills into an empty body', async () => {
    const app = Fastify();
    installValidators(app);
    const table = operationTable();
    await app.register(openapiGlue, {
      specification: structuredClone(openapiDocument),
      // Validation errors (an empty body lacks required fields) reach the handler, after the defaults are in.
      operationResolver: (() => ({
        attachValidation: true,
        // Sent as text: the spec's response schemas would refuse this answer when serializing it.
        handler: async (req: { body: unknown }, reply: FastifyReply) =>
          reply.type('text/plain').send(JSON.stringify(Object.keys((req.body ?? {}) as object).sort())),
      })) as never,
    });
    await app.ready();
    const filled: Record<string, string[]> = {};
    for (const op of table.values()) {
      if (!op.hasBody) continue;
      // Valid path parameters: Fastify validates the path first and stops there when it fails.
      const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => PATH_VALUES[name] ?? 'xx_0123');
      const res = await app.inject({ method: op.method as 'POST', url, payload: {} });
      expect(res.statusCode, `${op.id}: ${res.body}`).toBe(200);
      const keys = JSON.parse(res.body) as string[];
      if (keys.length > 0) filled[op.id] = keys;
    }
    await app.close();
    expect(filled).toEqual(requestDefaults);
    // The list is not trivially empty: calls.create's ring timeout is one of the defaults.
    expect(filled['calls.create']).toContain('timeout_seconds');
  });
});
