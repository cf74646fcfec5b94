import { Webhook } from 'standardwebhooks';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  generateSecret,
  sign,
  signHeaders,
  verify,
  type WebhookEvent,
  WebhookHeaderError,
  WebhookPayloadError,
  WebhookRawBodyError,
  WebhookSecretError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookVerificationError,
} from './index.js';

const NOW = 1_764_149_400;
const secret = generateSecret();
const event = {
  id: 'evt_1',
  object: 'event',
  type: 'api_key.created',
  created_at: '2026-11-26T09:30:00.000Z',
  account_id: 'acct_1',
  data: {
    object: { id: 'key_1', object: 'api_key', name: 'CI — déploiement 🚀' },
  },
};
const body = JSON.stringify(event);
const headers = signHeaders({
  id: event.id,
  timestamp: NOW,
  payload: body,
  secret,
});

function thrown(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('verify', () => {
  it('returns the parsed, typed event', () => {
    const verified = verify(body, headers, secret, { now: NOW });
    expect(verified).toEqual(event);
    expectTypeOf(verified).toEqualTypeOf<WebhookEvent>();
    if (verified.type === 'api_key.created') expectTypeOf(verified.data.object.object).toEqualTypeOf<'api_key'>();
  });

  it('accepts the body as a string, Buffer, Uint8Array view or ArrayBuffer', () => {
    const bytes = Buffer.from(body);
    // A view into a larger buffer, as pooled Buffers are: offsets must be honoured.
    const padded = Buffer.concat([Buffer.from('xxxx'), bytes, Buffer.from('yyyy')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 4, bytes.length);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    for (const raw of [body, bytes, view, arrayBuffer]) expect(verify(raw, headers, secret, { now: NOW })).toEqual(event);
  });

  it('verifies deliveries signed by the official standardwebhooks library', () => {
    const now = new Date();
    const signature = new Webhook(secret).sign('evt_1', now, body);
    const theirs = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(verify(body, theirs, secret)).toEqual(event);
    expect(verify(Buffer.from(body), theirs, secret)).toEqual(event);
    // Their library accepts a secret without the prefix; ours requires it, so the same key must be given as whsec_.
    const bare = secret.slice('whsec_'.length);
    expect(new Webhook(bare).sign('evt_1', now, body)).toBe(signature);
    expect(thrown(() => verify(body, theirs, bare)).code).toBe('invalid_secret');
  });

  it('reads headers from a Headers instance, any-case objects and Node arrays', () => {
    expect(verify(body, new Headers({ ...headers }), secret, { now: NOW })).toEqual(event);
    const upper = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'webhook-Signature': ` ${headers['webhook-signature']} `,
    };
    expect(verify(body, upper, secret, { now: NOW })).toEqual(event);
    const repeated = {
      'webhook-id': [headers['webhook-id']],
      'webhook-timestamp': headers['webhook-timestamp'],
      'webhook-signature': ['v1,AAAA', headers['webhook-signature']],
    };
    expect(verify(body, repeated, secret, { now: NOW })).toEqual(event);
  });

  it('accepts a repeated signature header joined with commas', () => {
    const repeated = new Headers({ ...headers });
    repeated.delete('webhook-signature');
    repeated.append('webhook-signature', headers['webhook-signature']);
    repeated.append('webhook-signature', 'v1,bm90IGl0');
    expect(repeated.get('webhook-signature')).toContain(', ');
    expect(verify(body, repeated, secret, { now: NOW })).toEqual(event);
  });

  it('skips other versions and extra signatures in the header', () => {
    const signature = `v1a,c29tZXRoaW5n v2,abc ${headers['webhook-signature']} v1,bm90IGl0`;
    expect(
      verify(body, { ...headers, 'webhook-signature': signature }, secret, {
        now: NOW,
      }),
    ).toEqual(event);
  });

  describe('rotation', () => {
    const previous = generateSecret();
    const next = generateSecret();

    it('accepts a header signed with two secrets, with either secret', () => {
      const both = signHeaders({
        id: 'evt_1',
        timestamp: NOW,
        payload: body,
        secret: [next, previous],
      });
      expect(verify(body, both, previous, { now: NOW })).toEqual(event);
      expect(verify(body, both, next, { now: NOW })).toEqual(event);
      expect(thrown(() => verify(body, both, generateSecret(), { now: NOW })).code).toBe('signature_mismatch');
    });

    it('accepts a delivery signed with either of the secrets given', () => {
      for (const signing of [previous, next]) {
        const one = signHeaders({
          id: 'evt_1',
          timestamp: NOW,
          payload: body,
          secret: signing,
        });
        expect(verify(body, one, [next, previous], { now: NOW })).toEqual(event);
      }
    });
  });

  describe('tolerance', () => {
    it('accepts up to 300 seconds either way by default', () => {
      for (const now of [NOW - 300, NOW, NOW + 300, new Date((NOW + 300) * 1000)]) {
        expect(verify(body, headers, secret, { now })).toEqual(event);
      }
    });

    it('rejects an old delivery with timestamp_too_old, stating the difference and tolerance', () => {
      const error = thrown(() => verify(body, headers, secret, { now: NOW + 301 }));
      expect(error).toBeInstanceOf(WebhookTimestampError);
      expect(error.code).toBe('timestamp_too_old');
      expect(error.message).toContain('301 seconds older');
      expect(error.message).toContain('tolerance is 300 seconds');
      expect(error).toMatchObject({
        timestamp: NOW,
        now: NOW + 301,
        tolerance: 300,
        difference: -301,
      });
    });

    it('rejects a delivery from the future with timestamp_too_new', () => {
      const error = thrown(() => verify(body, headers, secret, { now: new Date((NOW - 301) * 1000) }));
      expect(error.code).toBe('timestamp_too_new');
      expect(error.message).toContain('301 seconds ahead');
      expect(error).toMatchObject({ difference: 301 });
    });

    it('honours a custom tolerance', () => {
      expect(verify(body, headers, secret, { now: NOW + 10, tolerance: 10 })).toEqual(event);
      expect(thrown(() => verify(body, headers, secret, { now: NOW + 11, tolerance: 10 })).code).toBe('timestamp_too_old');
      expect(
        verify(body, headers, secret, {
          now: NOW + 10_000,
          tolerance: Number.POSITIVE_INFINITY,
        }),
      ).toEqual(event);
      expect(() => verify(body, headers, secret, { tolerance: -1 })).toThrow(TypeError);
      expect(() => verify(body, headers, secret, { now: Date.now() })).toThrow(/milliseconds/);
    });

    it('checks the signature before the timestamp, so a forged old delivery is a mismatch', () => {
      const forged = { ...headers, 'webhook-timestamp': String(NOW - 10_000) };
      expect(thrown(() => verify(body, forged, secret, { now: NOW })).code).toBe('signature_mismatch');
    });

    it('uses the system clock by default', () => {
      expect(thrown(() => verify(body, headers, secret)).code).toBe('timestamp_too_old');
    });
  });

  describe('signature_mismatch', () => {
    it('rejects a tampered body, id or timestamp', () => {
      const tampered = body.replace('acct_1', 'acct_2');
      for (const [raw, hs] of [
        [tampered, headers],
        [Buffer.from(tampered), headers],
        [body, { ...headers, 'webhook-id': 'evt_2' }],
        [body, { ...headers, 'webhook-timestamp': String(NOW + 1) }],
      ] as const) {
        const error = thrown(() => verify(raw, hs, secret, { now: NOW }));
        expect(error).toBeInstanceOf(WebhookSignatureError);
        expect(error.code).toBe('signature_mismatch');
      }
    });

    it('names re-serialization and the wrong secret as the usual causes', () => {
      const reserialized = JSON.stringify(JSON.parse(body), null, 2);
      const error = thrown(() => verify(reserialized, headers, secret, { now: NOW }));
      expect(error.message).toMatch(/re-serialized/);
      expect(error.message).toMatch(/secret is not this endpoint's/);
      expect(thrown(() => verify(body, headers, generateSecret(), { now: NOW })).code).toBe('signature_mismatch');
    });

    it('rejects signatures of another length or encoding', () => {
      const real = headers['webhook-signature'].slice(3);
      for (const signature of [`v1,${real.slice(0, -1)}`, `v1,${real}A`, `v1,${real.replace('=', '')}`, 'v1,AAAA']) {
        expect(thrown(() => verify(body, { ...headers, 'webhook-signature': signature }, secret, { now: NOW })).code).toBe('signature_mismatch');
      }
    });
  });

  describe('raw_body_required', () => {
    it.each([
      ['a parsed object', event, /parsed object/],
      ['undefined', undefined, /received undefined/],
      ['null', null, /received null/],
      ['a number', 42, /received a number/],
    ])('rejects %s and explains how to get the raw body', (_, raw, pattern) => {
      const error = thrown(() => verify(raw as never, headers, secret, { now: NOW }));
      expect(error).toBeInstanceOf(WebhookRawBodyError);
      expect(error.code).toBe('raw_body_required');
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain("express.raw({ type: 'application/json' })");
      expect(error.message).toContain("parseAs: 'buffer'");
      expect(error.message).toContain('readRawBody(req)');
    });
  });

  describe('missing_header and invalid_header', () => {
    it('names every missing header', () => {
      const error = thrown(() => verify(body, { 'webhook-id': 'evt_1', 'webhook-signature': '' }, secret, { now: NOW }));
      expect(error).toBeInstanceOf(WebhookHeaderError);
      expect(error.code).toBe('missing_header');
      expect((error as WebhookHeaderError).headers).toEqual(['webhook-timestamp', 'webhook-signature']);
      expect(error.message).toContain('no webhook-timestamp, webhook-signature headers (it has webhook-id)');
      expect(thrown(() => verify(body, new Headers(), secret)).message).toContain('webhook-id, webhook-timestamp, webhook-signature');
      expect(thrown(() => verify(body, undefined as never, secret)).code).toBe('missing_header');
    });

    it('rejects a timestamp that is not unix seconds', () => {
      for (const timestamp of ['2026-11-26T09:30:00Z', '-1', '1.5', '1e9']) {
        const error = thrown(() =>
          verify(body, { ...headers, 'webhook-timestamp': timestamp }, secret, {
            now: NOW,
          }),
        );
        expect(error.code).toBe('invalid_header');
        expect((error as WebhookHeaderError).headers).toEqual(['webhook-timestamp']);
      }
    });

    it('rejects a signature header without any v1 signature', () => {
      for (const [signature, pattern] of [
        ['g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', /no v1 signature/],
        ['v1a,abc v2,def', /found only: v1a, v2/],
        ['v1,', /no v1 signature/],
      ] as const) {
        const error = thrown(() =>
          verify(body, { ...headers, 'webhook-signature': signature }, secret, {
            now: NOW,
          }),
        );
        expect(error.code).toBe('invalid_header');
        expect(error.message).toMatch(pattern);
      }
    });
  });

  describe('invalid_secret', () => {
    it.each([
      ['undefined (an unset env var)', undefined, /received undefined.*environment variable/],
      ['an empty string', '', /received an empty string/],
      ['a secret without whsec_', secret.slice(6), /does not start with whsec_.*Copy the endpoint's signing secret/],
      ['an API key', 'pk_live_abc123', /looks like an API key/],
      ['a quoted secret', `"${secret}"`, /remove the quotes/],
      ['whsec_ with non-base64', 'whsec_abc$def', /not base64/],
      ['a bare whsec_', 'whsec_', /not base64/],
      ['an empty array', [], /empty array/],
      ['an array with a bad entry', [secret, 'nope'], /at index 1/],
    ])('rejects %s', (_, bad, pattern) => {
      const error = thrown(() => verify(body, headers, bad as never, { now: NOW }));
      expect(error).toBeInstanceOf(WebhookSecretError);
      expect(error.code).toBe('invalid_secret');
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain(secret.slice(6));
    });

    it('tolerates surrounding whitespace, as left by .env files', () => {
      expect(verify(body, headers, `${secret}\n`, { now: NOW })).toEqual(event);
    });
  });

  describe('invalid_json', () => {
    it('rejects a correctly signed body that is not JSON, after checking the signature', () => {
      const text = 'hello';
      const signed = {
        ...headers,
        'webhook-signature': sign({
          id: 'evt_1',
          timestamp: NOW,
          payload: text,
          secret,
        }),
      };
      const error = thrown(() => verify(text, signed, secret, { now: NOW }));
      expect(error).toBeInstanceOf(WebhookPayloadError);
      expect(error.code).toBe('invalid_json');
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect(thrown(() => verify(text, headers, secret, { now: NOW })).code).toBe('signature_mismatch');
    });
  });
});
