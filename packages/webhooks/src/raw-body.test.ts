import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret, readRawBody, signHeaders, verifyRequest, WebhookBodyTooLargeError, WebhookVerificationError } from './index.js';

const secret = generateSecret();
const event = {
  id: 'evt_1',
  object: 'event',
  type: 'account.created',
  created_at: '2026-11-26T09:30:00.000Z',
  account_id: 'acct_1',
  data: { object: { id: 'acct_1', object: 'account', name: 'Zoë & Co — 🚀' } },
};
const body = JSON.stringify(event);

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** Starts a real server on loopback; handler errors become `400 <code>` or 500. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<string> {
  server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (error instanceof WebhookVerificationError) {
        res
          .writeHead(error.code === 'body_too_large' ? 413 : 400, {
            'content-type': 'text/plain',
          })
          .end(error.code);
      } else {
        res.writeHead(500).end(String(error));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function post(url: string, payload: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signHeaders({ id: 'evt_1', payload, secret }),
      ...headers,
    },
    body: payload,
  });
}

describe('readRawBody on a real node:http server', () => {
  it('returns the exact bytes, including invalid UTF-8 and large bodies', async () => {
    const url = await serve(async (req, res) => {
      const raw = await readRawBody(req);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(raw);
    });
    const binary = Uint8Array.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7b]);
    expect(new Uint8Array(await (await post(url, binary)).arrayBuffer())).toEqual(binary);
    const large = JSON.stringify({ ...event, padding: 'é'.repeat(300_000) });
    const echoed = Buffer.from(await (await post(url, large)).arrayBuffer());
    expect(echoed.equals(Buffer.from(large))).toBe(true);
  });

  it('feeds verifyRequest, which reads the body itself', async () => {
    const url = await serve(async (req, res) => {
      const verified = await verifyRequest(req, secret);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verified));
    });
    const response = await post(url, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(event);

    const tampered = await post(url, body, { 'webhook-id': 'evt_2' });
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toBe('signature_mismatch');

    const stale = await post(
      url,
      body,
      signHeaders({
        id: 'evt_1',
        payload: body,
        secret,
        timestamp: Math.floor(Date.now() / 1000) - 600,
      }),
    );
    expect(await stale.text()).toBe('timestamp_too_old');

    const unsigned = await fetch(url, { method: 'POST', body });
    expect(await unsigned.text()).toBe('missing_header');
  });

  it('rejects a body over the limit with body_too_large and still lets the server answer 413', async () => {
    let caught: unknown;
    const url = await serve(async (req, res) => {
      try {
        await readRawBody(req, { limit: 1024 });
        res.writeHead(200).end();
      } catch (error) {
        caught = error;
        throw error;
      }
    });
    // Declared by Content-Length: refused before reading.
    const declared = await post(url, 'x'.repeat(4096));
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe('body_too_large');
    expect(caught).toBeInstanceOf(WebhookBodyTooLargeError);
    expect((caught as WebhookBodyTooLargeError).limit).toBe(1024);

    // Chunked, without Content-Length: refused while reading.
    const chunks = [new Uint8Array(800).fill(0x61), new Uint8Array(800).fill(0x62)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(url, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.text()).toBe('body_too_large');
  });

  it('rejects with raw_body_required instead of hanging when the body was already read', async () => {
    const url = await serve(async (req, res) => {
      for await (const _ of req) {
        // a body parser consuming the stream
      }
      await readRawBody(req);
      res.writeHead(200).end();
    });
    const response = await post(url, body);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('raw_body_required');
  });

  it('explains a parsed body (express.json() style) as raw_body_required', async () => {
    const url = await serve(async (req, res) => {
      const parsed = JSON.parse((await readRawBody(req)).toString()) as unknown;
      await verifyRequest(Object.assign(req, { body: parsed }), secret);
      res.writeHead(200).end();
    });
    const response = await post(url, body);
    expect(await response.text()).toBe('raw_body_required');
  });
});

describe('verifyRequest with other request shapes', () => {
  it('reads a fetch Request', async () => {
    const request = new Request('http://localhost/webhooks', {
      method: 'POST',
      headers: signHeaders({ id: 'evt_1', payload: body, secret }),
      body,
    });
    await expect(verifyRequest(request, secret)).resolves.toEqual(event);
    await expect(verifyRequest(request, secret)).rejects.toMatchObject({
      code: 'raw_body_required',
      message: expect.stringContaining('bodyUsed'),
    });
  });

  it('uses req.body when it is the raw Buffer (Express after express.raw())', async () => {
    const headers = signHeaders({ id: 'evt_1', payload: body, secret });
    await expect(verifyRequest({ headers, body: Buffer.from(body) }, secret)).resolves.toEqual(event);
    await expect(verifyRequest({ headers, body: event }, secret)).rejects.toMatchObject({ code: 'raw_body_required' });
    await expect(verifyRequest({ headers }, secret)).rejects.toMatchObject({
      code: 'raw_body_required',
      message: expect.stringContaining('has no body'),
    });
  });
});
