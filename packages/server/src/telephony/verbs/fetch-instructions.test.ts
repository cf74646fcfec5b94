import { createRequire } from 'node:module';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSecret } from '@prolope/webhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchInstructions } from './fetch-instructions.js';

// The official verifier is a dev dependency of @prolope/webhooks; loading it from there checks our
// signatures against the reference implementation without the server depending on it.
const requireFromWebhooks = createRequire(new URL('../../../../webhooks/package.json', import.meta.url));
const { Webhook } = requireFromWebhooks('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>, options?: { jsonParse?: boolean }): unknown };
};

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The three Standard Webhooks headers of a request, as the official verifier takes them. */
function signatureHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const pick = (name: string) => String(headers[name] ?? '');
  return { 'webhook-id': pick('webhook-id'), 'webhook-timestamp': pick('webhook-timestamp'), 'webhook-signature': pick('webhook-signature') };
}

describe('fetchInstructions signs what it sends', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  const secret = generateSecret();
  const fields = { call_id: 'call_01ABC', account_id: 'acct_01XYZ', from: '+359888123456', to: '+35929000001', direction: 'inbound', status: 'in_progress' };
  const request = () => ({ fields, secret, signal: new AbortController().signal });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString('utf8');
      });
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ verb: 'hangup' }]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
  });

  it('GET: the signature covers the raw query string, the application URL’s own query included; a tampered query fails', async () => {
    const verbs = await fetchInstructions({ url: `${base}/voice?tenant=acme%20bg`, method: 'GET' }, request());
    expect(verbs).toEqual([{ verb: 'hangup' }]);

    const [got] = received;
    expect(got?.method).toBe('GET');
    expect(got?.body).toBe('');
    const query = (got?.url ?? '').slice((got?.url ?? '').indexOf('?') + 1);
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({ tenant: 'acme bg', ...fields });
    expect(query).toContain('from=%2B359888123456');

    const headers = signatureHeaders(got?.headers ?? {});
    const webhook = new Webhook(secret);
    // jsonParse: false because the verified payload is a query string; by default verify() also parses it as JSON.
    const verifyQuery =
      (payload: string, key = webhook) =>
      () =>
        key.verify(payload, headers, { jsonParse: false });
    expect(verifyQuery(query)).not.toThrow();

    expect(verifyQuery(query.replace('from=%2B359888123456', 'from=%2B359888999999'))).toThrow('No matching signature found');
    expect(verifyQuery(`${query}&status=completed`)).toThrow('No matching signature found');
    // What used to be signed: an empty body must no longer verify.
    expect(verifyQuery('')).toThrow('No matching signature found');
    expect(verifyQuery(query, new Webhook(generateSecret()))).toThrow('No matching signature found');
  });

  it('POST: the signature covers the JSON body, and the URL keeps only its own query', async () => {
    await fetchInstructions({ url: `${base}/voice?tenant=acme`, method: 'POST' }, request());

    const [got] = received;
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/voice?tenant=acme');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got?.body ?? '')).toEqual(fields);
    const webhook = new Webhook(secret);
    expect(webhook.verify(got?.body ?? '', signatureHeaders(got?.headers ?? {}))).toEqual(fields);
    expect(() => webhook.verify('tenant=acme', signatureHeaders(got?.headers ?? {}))).toThrow('No matching signature found');
  });

  it('sends no signature headers when the number has no signing secret', async () => {
    await fetchInstructions({ url: `${base}/voice`, method: 'GET' }, { ...request(), secret: undefined });
    const [got] = received;
    expect(got?.url).toMatch(/^\/voice\?call_id=call_01ABC&/);
    expect(got?.headers['webhook-signature']).toBeUndefined();
    expect(got?.headers['webhook-id']).toBeUndefined();
  });
});
