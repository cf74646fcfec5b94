import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret, registerRawJson, signHeaders, verify, verifyRequest, WebhookVerificationError } from './index.js';

const secret = generateSecret();
const event = {
  id: 'evt_1',
  object: 'event',
  type: 'api_key.revoked',
  created_at: '2026-11-26T09:30:00.000Z',
  account_id: 'acct_1',
  data: { object: { id: 'key_1', object: 'api_key', name: 'ünïcödé 🚀' } },
};
const body = JSON.stringify(event);

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(bodyLimit?: number): Promise<string> {
  app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof WebhookVerificationError) return reply.code(400).send({ code: error.code });
    return reply.send(error);
  });
  app.register(async (scope) => {
    registerRawJson(scope, bodyLimit === undefined ? {} : { bodyLimit });
    scope.post('/webhooks', async (request) => {
      const verified = verify(request.body as Buffer, request.headers, secret);
      return { type: verified.type, isBuffer: Buffer.isBuffer(request.body) };
    });
    scope.post('/webhooks/request', async (request) => (await verifyRequest(request, secret)).id);
  });
  // Outside the plugin, JSON is parsed as usual.
  app.post('/echo', async (request) => ({ parsed: request.body }));
  return app.listen({ port: 0, host: '127.0.0.1' });
}

function post(url: string, payload: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signHeaders({ id: 'evt_1', payload, secret }),
      ...extra,
    },
    body: payload,
  });
}

describe('registerRawJson on a real Fastify server', () => {
  it('delivers the raw Buffer to routes in its plugin', async () => {
    const base = await start();
    const response = await post(`${base}/webhooks`, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      type: 'api_key.revoked',
      isBuffer: true,
    });

    const charset = await post(`${base}/webhooks`, body, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(await charset.json()).toEqual({
      type: 'api_key.revoked',
      isBuffer: true,
    });
  });

  it('works with verifyRequest(request)', async () => {
    const base = await start();
    const response = await post(`${base}/webhooks/request`, body);
    expect(await response.text()).toBe('evt_1');
  });

  it('rejects a tampered or re-encoded body', async () => {
    const base = await start();
    const reencoded = JSON.stringify(event, null, 2);
    const response = await fetch(`${base}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHeaders({ id: 'evt_1', payload: body, secret }),
      },
      body: reencoded,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'signature_mismatch' });
  });

  it('leaves JSON parsing unchanged outside its plugin', async () => {
    const base = await start();
    const response = await post(`${base}/echo`, body);
    expect(await response.json()).toEqual({ parsed: event });
  });

  it('passes bodyLimit to the parser', async () => {
    const base = await start(64);
    const response = await post(`${base}/webhooks`, body);
    expect(response.status).toBe(413);
  });

  it('gives a parsed body a clear raw_body_required error when registerRawJson is missing', async () => {
    app = Fastify();
    app.setErrorHandler((error, _request, reply) =>
      reply.code(400).send({
        code: (error as WebhookVerificationError).code,
        message: (error as Error).message,
      }),
    );
    app.post('/webhooks', async (request) => verifyRequest(request, secret));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await post(`${base}/webhooks`, body);
    const answer = (await response.json()) as { code: string; message: string };
    expect(answer.code).toBe('raw_body_required');
    expect(answer.message).toContain('registerRawJson(scope)');
  });
});
