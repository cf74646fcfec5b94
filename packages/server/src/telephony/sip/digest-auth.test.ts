import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { digestHa1 } from '../digest-ha1.js';
import { challengeHeaders, digestResponse, NonceIssuer, parseDigestCredentials, verifyDigestCredentials } from './digest-auth.js';

describe('digest response (RFC vectors)', () => {
  it('RFC 2617 §3.5, MD5 qop=auth', () => {
    const ha1 = digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life').md5;
    expect(
      digestResponse({
        ha1,
        algorithm: 'MD5',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('RFC 7616 §3.9.1, MD5 and SHA-256 qop=auth', () => {
    const { md5, sha256 } = digestHa1('Mufasa', 'http-auth@example.org', 'Circle of Life');
    const common = {
      method: 'GET',
      uri: '/dir/index.html',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(digestResponse({ ...common, ha1: md5, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...common, ha1: sha256, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('no qop (RFC 2069 compatibility) and a computed SHA-256 case', () => {
    const ha1 = digestHa1('trunk1', 'prolope', 's3cret');
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const expected = sha(`${ha1.sha256}:n0nce:${sha('INVITE:sip:+331@prolope.test')}`);
    expect(digestResponse({ ha1: ha1.sha256, algorithm: 'SHA-256', method: 'INVITE', uri: 'sip:+331@prolope.test', nonce: 'n0nce' })).toBe(expected);
  });
});

describe('Authorization parsing', () => {
  it('parses quoted and token values, escapes, default algorithm', () => {
    const c = parseDigestCredentials(
      'Digest username="trunk\\"1", realm="prolope",nonce="abc", uri="sip:1@h", response="0123", qop=auth, nc=00000001, cnonce="xyz", opaque="o"',
    );
    expect(c).toEqual({
      username: 'trunk"1',
      realm: 'prolope',
      nonce: 'abc',
      uri: 'sip:1@h',
      response: '0123',
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'xyz',
      opaque: 'o',
    });
    expect(parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:x@y", response="r", algorithm=SHA-256')?.algorithm).toBe('SHA-256');
  });

  it.each([
    'Basic dXNlcjpwYXNz',
    'Digest',
    'Digest username="u"',
    'Digest username="u, realm="r"',
    'Digest username="u", realm="r", nonce="n", uri="u", response="r", algorithm=MD5-sess',
    'Digest ,,,',
  ])('refuses %s', (h) => {
    expect(parseDigestCredentials(h)).toBeUndefined();
  });
});

describe('nonces and verification', () => {
  const clock = manualClock('2025-01-01T00:00:00Z');
  const nonces = new NonceIssuer({ clock });
  const ha1 = digestHa1('trunk1', 'prolope', 's3cret');
  const uri = 'sip:+33123456789@127.0.0.1:5060';
  const pbx = '192.0.2.10';
  const req = { method: 'INVITE', uri, source: pbx };

  function credsFor(nonce: string, algorithm: 'MD5' | 'SHA-256', over: Record<string, string> = {}) {
    const base = { username: 'trunk1', realm: 'prolope', nonce, uri, algorithm, qop: 'auth', nc: '00000001', cnonce: 'c1', ...over };
    const response = digestResponse({ ha1: algorithm === 'MD5' ? ha1.md5 : ha1.sha256, method: 'INVITE', ...base });
    return { ...base, response, ...over };
  }

  it('accepts a correct MD5 and SHA-256 response, rejects wrong password, URI, realm, forged nonce', () => {
    const n = nonces.issue(pbx);
    expect(verifyDigestCredentials(credsFor(n, 'MD5'), ha1, req, nonces)).toBe(true);
    expect(verifyDigestCredentials(credsFor(n, 'SHA-256', { nc: '00000002' }), ha1, req, nonces)).toBe(true);
    const m = nonces.issue(pbx);
    expect(verifyDigestCredentials(credsFor(m, 'MD5'), digestHa1('trunk1', 'prolope', 'wrong'), req, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(m, 'MD5'), ha1, { ...req, uri: 'sip:other@h' }, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(m, 'MD5', { realm: 'other' }), ha1, req, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(`${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`, 'MD5'), ha1, req, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(m, 'MD5', { qop: 'auth-int' }), ha1, req, nonces)).toBe(false);
    expect(verifyDigestCredentials(undefined, ha1, req, nonces)).toBe(false);
    // A nonce from another process (other secret) is not ours.
    expect(new NonceIssuer({ clock }).check(m, pbx)).toBe('invalid');
    // Failed attempts do not use the nonce up: the right answer still works.
    expect(verifyDigestCredentials(credsFor(m, 'MD5'), ha1, req, nonces)).toBe(true);
  });

  it('refuses a replay: the same nc again, a lower nc, or a captured response on a new call', () => {
    const n = nonces.issue(pbx);
    const captured = credsFor(n, 'MD5');
    expect(verifyDigestCredentials(captured, ha1, req, nonces)).toBe(true);
    expect(verifyDigestCredentials(captured, ha1, req, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(n, 'SHA-256'), ha1, req, nonces)).toBe(false);
    // A UA that keeps the nonce and counts up (RFC 7616 §3.4.2) is fine; counting back is not.
    expect(verifyDigestCredentials(credsFor(n, 'MD5', { nc: '00000003', cnonce: 'c3' }), ha1, req, nonces)).toBe(true);
    expect(verifyDigestCredentials(credsFor(n, 'MD5', { nc: '00000002', cnonce: 'c2' }), ha1, req, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(n, 'MD5', { nc: '00000004', cnonce: 'c4' }), ha1, req, nonces)).toBe(true);
  });

  it('binds a nonce to the address it was issued to', () => {
    const n = nonces.issue(pbx);
    expect(nonces.check(n, pbx)).toBe('valid');
    expect(nonces.check(n, '192.0.2.11')).toBe('invalid');
    expect(verifyDigestCredentials(credsFor(n, 'MD5'), ha1, { ...req, source: '192.0.2.11' }, nonces)).toBe(false);
    expect(verifyDigestCredentials(credsFor(n, 'MD5'), ha1, req, nonces)).toBe(true);
  });

  it('no-qop responses verify once', () => {
    const n = nonces.issue(pbx);
    const response = digestResponse({ ha1: ha1.md5, algorithm: 'MD5', method: 'INVITE', uri, nonce: n });
    const creds = { username: 'trunk1', realm: 'prolope', nonce: n, uri, response, algorithm: 'MD5' as const };
    expect(verifyDigestCredentials(creds, ha1, req, nonces)).toBe(true);
    expect(verifyDigestCredentials(creds, ha1, req, nonces)).toBe(false);
    // Nor may the nonce then be used with a count.
    expect(verifyDigestCredentials(credsFor(n, 'MD5', { nc: '00000009' }), ha1, req, nonces)).toBe(false);
  });

  it('expires nonces after 5 minutes (stale), and forgets their uses afterwards', () => {
    const fresh = new NonceIssuer({ clock });
    const n = fresh.issue(pbx);
    expect(fresh.check(n, pbx)).toBe('valid');
    expect(verifyDigestCredentials(credsFor(n, 'MD5'), ha1, req, fresh)).toBe(true);
    expect(fresh.remembered).toBe(1);
    clock.advance(5 * 60 * 1000 - 1);
    expect(fresh.check(n, pbx)).toBe('valid');
    clock.advance(2);
    expect(fresh.check(n, pbx)).toBe('stale');
    expect(verifyDigestCredentials(credsFor(n, 'MD5', { nc: '00000002' }), ha1, req, fresh)).toBe(false);
    expect(fresh.check('garbage', pbx)).toBe('invalid');
    // The next successful authentication sweeps the expired use away.
    const later = fresh.issue(pbx);
    expect(verifyDigestCredentials(credsFor(later, 'MD5'), ha1, req, fresh)).toBe(true);
    expect(fresh.remembered).toBe(1);
  });

  it('challenge headers offer MD5 then SHA-256, with stale when asked', () => {
    const [md5, sha] = challengeHeaders('N', true);
    expect(md5).toBe('Digest realm="prolope", nonce="N", algorithm=MD5, qop="auth", stale=true');
    expect(sha).toContain('algorithm=SHA-256');
  });
});
