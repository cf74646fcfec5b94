import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  generateSecret,
  type VoiceRequest,
  verifyVoice,
  verifyVoiceRequest,
  WebhookRawBodyError,
  WebhookSignatureError,
  WebhookVerificationError,
} from './index.js';

// Requests are signed with the official standardwebhooks package, as Prolope's server signs them
// (packages/server/src/telephony/verbs/fetch-instructions.ts): the JSON body of a POST, the raw
// query string (without '?') of a GET.
const secret = generateSecret();
const NOW = Math.floor(Date.now() / 1000);
const fields = {
  call_id: 'call_01JBX2V6Q6M4ZK3N8P9R7S5T2W',
  account_id: 'acct_01JBX2SG4F8W0H6D3K9M1N7P5Q',
  from: '+359888123456',
  to: '+35929000002',
  direction: 'inbound',
  status: 'in_progress',
  recording_id: 'rec_01JBX3',
  recording_url: 'https://api.example/v1/recordings/rec_01JBX3/media',
  duration_seconds: 7,
} as const;

function signed(payload: string, id = 'msg_01JBX2', key = secret): Record<string, string> {
  const timestamp = new Date(NOW * 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(NOW), 'webhook-signature': new Webhook(key).sign(id, timestamp, payload) };
}

/** The query string Prolope sends for a GET: URLSearchParams encoding, after any query of the URL itself. */
function queryOf(own: string): string {
  const url = new URL(`https://app.example/voice${own}`);
  for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, String(v));
  return url.search.slice(1);
}

function thrown(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('verifyVoice', () => {
  const body = JSON.stringify(fields);
  it.each<[string, string, Parameters<typeof verifyVoice>[3], unknown]>([
    ['a POST body', body, {}, fields],
    ['a POST body, method given', body, { method: 'POST' }, fields],
    ['a GET query string, integers as numbers', queryOf(''), { method: 'GET' }, fields],
    ['a GET query after the URL’s own query', queryOf('?lang=bg'), { method: 'GET' }, { lang: 'bg', ...fields }],
  ])('returns the fields of %s', (_name, payload, options, expected) => {
    const request = verifyVoice(payload, signed(payload), secret, options);
    expect(request).toEqual(expected);
    expectTypeOf(request).toEqualTypeOf<VoiceRequest>();
  });

  it('accepts the query with its leading "?" (url.search)', () => {
    const query = queryOf('');
    expect(verifyVoice(`?${query}`, signed(query), secret, { method: 'GET' }).duration_seconds).toBe(7);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a tampered body', () => verifyVoice(body.replace('+359888123456', '+359888000000'), signed(body), secret), /exact bytes/],
    [
      'a query re-encoded after parsing',
      () => {
        const query = queryOf('');
        // A framework's parsed query, encoded again: same fields, another order.
        const rebuilt = new URLSearchParams([...new URLSearchParams(query)].sort()).toString();
        return verifyVoice(rebuilt, signed(query), secret, { method: 'GET' });
      },
      /raw query exactly as it arrived/,
    ],
    ['a GET verified as a POST', () => verifyVoice('', signed(queryOf('')), secret), /method GET/],
    ['a webhook endpoint’s secret', () => verifyVoice(body, signed(body), generateSecret()), /voice\.signing_secret/],
  ])('rejects %s with signature_mismatch and names the likely mistake', (_name, run, hint) => {
    const error = thrown(run);
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error.code).toBe('signature_mismatch');
    expect(error.message).toMatch(hint);
  });

  it('refuses a method other than POST or GET', () => {
    expect(() => verifyVoice(body, signed(body), secret, { method: 'PUT' as 'POST' })).toThrow(/'POST' or 'GET'/);
  });
});

describe('verifyVoiceRequest over real HTTP', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ result?: VoiceRequest; code?: string }> = [];

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res) => {
      try {
        seen.push({ result: await verifyVoiceRequest(req, secret) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"instructions":[]}');
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        seen.push({ code: error.code });
        res.writeHead(400).end(error.code);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('verifies a signed POST and a signed GET as Prolope sends them', async () => {
    const body = JSON.stringify(fields);
    const post = await fetch(`${base}/voice`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed(body) }, body });
    const query = queryOf('?tenant=42');
    const get = await fetch(`${base}/voice?${query}`, { headers: signed(query) });
    expect([post.status, get.status]).toEqual([200, 200]);
    expect(seen.slice(-2)).toEqual([{ result: fields }, { result: { tenant: '42', ...fields } }]);
  });

  it('answers a tampered GET with signature_mismatch', async () => {
    const query = queryOf('');
    const res = await fetch(`${base}/voice?${query.replace('in_progress', 'completed')}`, { headers: signed(query) });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('signature_mismatch');
  });

  it('verifies a fetch Request (GET and POST), as in a fetch-style handler', async () => {
    const query = queryOf('');
    const get = new Request(`https://app.example/voice?${query}`, { headers: signed(query) });
    const body = JSON.stringify(fields);
    const post = new Request('https://app.example/voice', { method: 'POST', headers: signed(body), body });
    expect(await verifyVoiceRequest(get, secret)).toEqual(fields);
    expect(await verifyVoiceRequest(post, secret)).toEqual(fields);
  });

  it('uses Express’s originalUrl over a router-rewritten url', async () => {
    const query = queryOf('');
    const request = { method: 'GET', url: '/?stripped', originalUrl: `/ivr/voice?${query}`, headers: signed(query) };
    expect(await verifyVoiceRequest(request, secret)).toEqual(fields);
  });

  it('explains a GET without a url', async () => {
    const error = await verifyVoiceRequest({ method: 'GET', headers: signed('') }, secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookRawBodyError);
    expect((error as Error).message).toMatch(/raw query string/);
  });
});
