import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchInstructions } from '../telephony/verbs/fetch-instructions.js';
import { urlPolicy } from './url-policy.js';
import { safeFetch } from './safe-fetch.js';

/** Customer URLs on the voice side (voice applications, prompts, status callbacks) obey the webhook SSRF rules. */
describe('safeFetch', () => {
  let server: Server;
  let base: string;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') res.writeHead(302, { location: `${base}/instructions` }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ verb: 'hangup' }]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const request = (fetch: ReturnType<typeof safeFetch>, path = '/instructions') =>
    fetchInstructions(
      { url: `${base}${path}`, method: 'POST' },
      { fields: { call_id: 'call_1' }, secret: undefined, signal: new AbortController().signal, fetch },
    );

  it('refuses loopback outside development mode, before any request is made', async () => {
    const before = hits;
    const production = safeFetch(urlPolicy({ development: false, webhookAllow: [] }));
    await expect(request(production)).rejects.toThrow();
    const err = await production(`${base}/instructions`).catch((e: Error) => e);
    expect(String((err as Error & { cause?: Error }).cause?.message ?? err)).toMatch(/loopback/);
    expect(hits).toBe(before);
  });

  it('allows it in development mode or when the operator allows the block, redirects included', async () => {
    expect(await request(safeFetch(urlPolicy({ development: true, webhookAllow: [] })))).toEqual([{ verb: 'hangup' }]);
    const allowed = safeFetch(urlPolicy({ development: false, webhookAllow: ['127.0.0.1'] }));
    expect(await request(allowed, '/redirect')).toEqual([{ verb: 'hangup' }]);
  });
});
