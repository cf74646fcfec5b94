import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, sign, signHeaders, verify, WebhookSecretError } from './index.js';

// The reference vector shared by the Standard Webhooks / svix libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

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

describe('sign', () => {
  it('matches the reference vector', () => {
    expect(sign(VECTOR)).toBe(VECTOR.signature);
    expect(new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.payload)).toBe(VECTOR.signature);
  });

  it('treats a Date and unix seconds alike, and floors fractional seconds', () => {
    const date = new Date(VECTOR.timestamp * 1000 + 999);
    expect(sign({ ...VECTOR, timestamp: date })).toBe(VECTOR.signature);
    expect(sign({ ...VECTOR, timestamp: VECTOR.timestamp + 0.5 })).toBe(VECTOR.signature);
  });

  it('signs bytes and their UTF-8 text identically', () => {
    const secret = generateSecret();
    const input = { id: 'evt_1', timestamp: 1_764_149_400, secret };
    expect(sign({ ...input, payload: Buffer.from(body) })).toBe(sign({ ...input, payload: body }));
    expect(sign({ ...input, payload: new TextEncoder().encode(body) })).toBe(sign({ ...input, payload: body }));
  });

  it('returns one signature per secret, space-separated, in order', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    const input = { id: 'evt_1', timestamp: 1_764_149_400, payload: body };
    expect(sign({ ...input, secret: [a, b] })).toBe(`${sign({ ...input, secret: a })} ${sign({ ...input, secret: b })}`);
    expect(sign({ ...input, secret: [a] })).toBe(sign({ ...input, secret: a }));
  });

  it('is verified by the official standardwebhooks library, with or without the whsec_ prefix', () => {
    const secret = generateSecret();
    const headers = signHeaders({ id: event.id, payload: body, secret });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(event);
    expect(new Webhook(secret.slice('whsec_'.length)).verify(body, { ...headers })).toEqual(event);
    expect(new Webhook(secret).verify(Buffer.from(body), { ...headers })).toEqual(event);
  });

  it('produces rotation headers the official library accepts with either secret', () => {
    const [previous, next] = [generateSecret(), generateSecret()];
    const headers = signHeaders({
      id: event.id,
      payload: body,
      secret: [next, previous],
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(previous).verify(body, { ...headers })).toEqual(event);
    expect(new Webhook(next).verify(body, { ...headers })).toEqual(event);
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow(/No matching signature/);
  });

  it('rejects likely mistakes with a TypeError or RangeError', () => {
    const secret = generateSecret();
    expect(() => sign({ id: 'evt_1', timestamp: Date.now(), payload: body, secret })).toThrow(/looks like milliseconds/);
    expect(() =>
      sign({
        id: 'evt_1',
        timestamp: new Date(Number.NaN),
        payload: body,
        secret,
      }),
    ).toThrow(TypeError);
    expect(() => sign({ id: 'evt_1', timestamp: -1, payload: body, secret })).toThrow(TypeError);
    expect(() => sign({ id: '', timestamp: 1, payload: body, secret })).toThrow(TypeError);
    expect(() => sign({ id: 'evt 1', timestamp: 1, payload: body, secret })).toThrow(/without whitespace/);
    expect(() => sign({ id: 'evt_1', timestamp: 1, payload: event as never, secret })).toThrow(/JSON\.stringify/);
  });

  it('rejects a bad secret with invalid_secret', () => {
    const input = { id: 'evt_1', timestamp: 1, payload: body };
    for (const secret of ['', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_not*base64', [] as string[]]) {
      expect(() => sign({ ...input, secret })).toThrow(WebhookSecretError);
    }
  });
});

describe('signHeaders', () => {
  it('returns the three headers, timestamped now by default', () => {
    const secret = generateSecret();
    const before = Math.floor(Date.now() / 1000);
    const headers = signHeaders({ id: 'evt_1', payload: body, secret });
    const after = Math.floor(Date.now() / 1000);
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('evt_1');
    expect(Number(headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(headers['webhook-timestamp'])).toBeLessThanOrEqual(after);
    expect(headers['webhook-signature']).toBe(
      sign({
        id: 'evt_1',
        timestamp: Number(headers['webhook-timestamp']),
        payload: body,
        secret,
      }),
    );
    expect(verify(body, headers, secret)).toEqual(event);
  });

  it('uses the given timestamp', () => {
    const headers = signHeaders({
      ...VECTOR,
      timestamp: new Date(VECTOR.timestamp * 1000),
    });
    expect(headers).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });
});

describe('generateSecret', () => {
  it('returns whsec_ + base64 of 32 random bytes by default', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('accepts 24 to 64 bytes only', () => {
    expect(Buffer.from(generateSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(Buffer.from(generateSecret(64).slice(6), 'base64')).toHaveLength(64);
    expect(() => generateSecret(16)).toThrow(RangeError);
    expect(() => generateSecret(65)).toThrow(RangeError);
    expect(() => generateSecret(24.5)).toThrow(RangeError);
  });

  it('makes secrets the official library accepts', () => {
    const secret = generateSecret(24);
    const theirs = new Webhook(secret).sign('evt_1', new Date(VECTOR.timestamp * 1000), body);
    expect(theirs).toBe(sign({ id: 'evt_1', timestamp: VECTOR.timestamp, payload: body, secret }));
  });
});
