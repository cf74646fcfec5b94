import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDigestCredentials } from './digest-auth.js';
import { digestAuthorization, parseDigestChallenge, pickChallenge } from './digest-client.js';

const h = (alg: string, s: string) => createHash(alg).update(s).digest('hex');

describe('digest client (answering a carrier challenge)', () => {
  it('answers MD5 with qop=auth as RFC 2617 computes it', () => {
    const challenge = parseDigestChallenge('Digest realm="carrier", nonce="abc123", algorithm=MD5, qop="auth,auth-int", opaque="xyz"');
    expect(challenge).toMatchObject({ realm: 'carrier', nonce: 'abc123', algorithm: 'MD5', qopAuth: true, opaque: 'xyz' });
    const value = digestAuthorization(challenge!, { username: 'u', password: 'p' }, 'INVITE', 'sip:+35929990001@carrier', 'c0ffee');
    const creds = parseDigestCredentials(value)!;
    const ha1 = h('md5', 'u:carrier:p');
    const ha2 = h('md5', 'INVITE:sip:+35929990001@carrier');
    expect(creds).toMatchObject({
      username: 'u',
      realm: 'carrier',
      uri: 'sip:+35929990001@carrier',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c0ffee',
      opaque: 'xyz',
    });
    expect(creds.response).toBe(h('md5', `${ha1}:abc123:00000001:c0ffee:auth:${ha2}`));
  });

  it('answers SHA-256 without qop, and prefers SHA-256 when both are offered', () => {
    const picked = pickChallenge(['Digest realm="r", nonce="n1", algorithm=MD5', 'Digest realm="r", nonce="n1", algorithm=SHA-256']);
    expect(picked?.algorithm).toBe('SHA-256');
    const creds = parseDigestCredentials(digestAuthorization(picked!, { username: 'u', password: 'p' }, 'INVITE', 'sip:x@y'))!;
    expect(creds.qop).toBeUndefined();
    expect(creds.response).toBe(h('sha256', `${h('sha256', 'u:r:p')}:n1:${h('sha256', 'INVITE:sip:x@y')}`));
  });

  it('skips challenges it cannot answer', () => {
    expect(
      pickChallenge(['Basic realm="x"', 'Digest realm="r", nonce="n", algorithm=MD5-sess', 'Digest realm="r", nonce="n", qop="auth-int"']),
    ).toBeUndefined();
  });
});
