import { describe, expect, it } from 'vitest';
import { WebhookHeaderError, type WebhookVerificationError } from './errors.js';
import { readWebhookHeaders } from './headers.js';
import { decodeSecrets, generateSecret } from './secret.js';
import { sign, signHeaders } from './sign.js';
import { verify } from './verify.js';

// Edges of the signature check (verify-signature.ts and what it builds on): option checks, the parsing of
// the webhook-signature header, header lookup and secret decoding.
const NOW = 1_764_149_400;
const secret = generateSecret();
const body = '{"id":"evt_1","type":"api_key.created"}';
const headers = signHeaders({ id: 'evt_1', timestamp: NOW, payload: body, secret });
const signature = headers['webhook-signature'];

function error(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (e) {
    return e as WebhookVerificationError;
  }
  throw new Error('expected an error');
}

describe('options.tolerance', () => {
  it.each([[-1], [Number.NaN], ['300' as never]])('refuses %s', (tolerance) => {
    expect(() => verify(body, headers, secret, { now: NOW, tolerance })).toThrow(/options\.tolerance must be a number of seconds >= 0/);
  });

  it('takes 0: only the very second of the timestamp', () => {
    expect(verify(body, headers, secret, { now: NOW, tolerance: 0 })).toMatchObject({ id: 'evt_1' });
    expect(error(() => verify(body, headers, secret, { now: NOW + 1, tolerance: 0 })).code).toBe('timestamp_too_old');
  });
});

describe('the webhook-signature header', () => {
  it.each([
    ['trailing commas of a joined repeated header', `v1,bm90IGl0,, ${signature},,`],
    ['tabs and several spaces between entries', `v1,bm90IGl0 \t  ${signature}`],
    ['an entry without a version first', `bm90IGl0 ${signature}`],
  ])('finds the signature after %s', (_why, header) => {
    expect(verify(body, { ...headers, 'webhook-signature': header }, secret, { now: NOW })).toMatchObject({ id: 'evt_1' });
  });

  it('reports only real versions when there is no v1 signature', () => {
    const bare = error(() => verify(body, { ...headers, 'webhook-signature': 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, secret, { now: NOW }));
    expect(bare).toBeInstanceOf(WebhookHeaderError);
    expect((bare as WebhookHeaderError).headers).toEqual(['webhook-signature']);
    expect(bare.message).not.toMatch(/found only/);
    const others = error(() => verify(body, { ...headers, 'webhook-signature': 'v1a,abc v2,def' }, secret, { now: NOW }));
    expect((others as WebhookHeaderError).headers).toEqual(['webhook-signature']);
    expect(others.message).toMatch(/\(found only: v1a, v2\)\.$/);
  });

  it('names the timestamp header when it is not unix seconds', () => {
    const bad = error(() => verify(body, { ...headers, 'webhook-timestamp': '1764149400.5' }, secret, { now: NOW }));
    expect(bad).toMatchObject({ code: 'invalid_header', headers: ['webhook-timestamp'] });
  });
});

describe('readWebhookHeaders', () => {
  it.each([[null], ['webhook-id: evt_1'], [undefined]])('refuses %j as headers, naming all three', (input) => {
    const bad = error(() => readWebhookHeaders(input as never));
    expect(bad).toMatchObject({ code: 'missing_header', headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'] });
  });

  it('prefers the exact lower-case key, then any case, and trims values', () => {
    const read = readWebhookHeaders({
      'webhook-id': ' evt_1 ',
      'WEBHOOK-ID': 'evt_other',
      'Webhook-Timestamp': [' 1764149400 ', '1'],
      'webhook-signature': ['v1,a', 'v1,b'],
    });
    expect(read).toEqual({ 'webhook-id': 'evt_1', 'webhook-timestamp': '1764149400', 'webhook-signature': 'v1,a v1,b' });
  });

  it('treats a blank value as missing', () => {
    expect(error(() => readWebhookHeaders({ ...headers, 'webhook-id': '   ' }))).toMatchObject({ code: 'missing_header', headers: ['webhook-id'] });
  });
});

describe('secrets', () => {
  it.each([
    ['whitespace only', '   ', /No webhook secret given/],
    ['an API key', 'pk_live_abc', /looks like an API key/],
    ['a quoted secret', `'${secret}'`, /remove the quotes/],
  ])('refuses %s with the fitting hint', (_why, bad, hint) => {
    expect(() => decodeSecrets(bad)).toThrow(hint);
  });

  it('gives no hint for another wrong prefix', () => {
    const bad = error(() => decodeSecrets('sk_abc'));
    expect(bad.message).not.toMatch(/API key|quote/);
    expect(bad.message).toMatch(/^The webhook secret does not start with whsec_\. Copy/);
  });

  it('names what it received instead of a secret', () => {
    expect(() => decodeSecrets(null)).toThrow(/received null\)/);
    expect(() => decodeSecrets(42)).toThrow(/received a number\)/);
    expect(() => decodeSecrets([secret, 42])).toThrow(/at index 1 \(received a number\)/);
  });
});

describe('sign', () => {
  it('refuses an id that is not a string', () => {
    expect(() => sign({ id: 42 as never, timestamp: NOW, payload: body, secret })).toThrow(TypeError);
  });
});
