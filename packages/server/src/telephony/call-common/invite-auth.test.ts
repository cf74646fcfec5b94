import { describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { digestHa1 } from '../digest-ha1.js';
import { digestResponse, NonceIssuer } from '../sip/digest-auth.js';
import { InviteAuth } from './invite-auth.js';

const uri = 'sip:+33123456789@127.0.0.1:5060';
const pbx = '192.0.2.10';

function authorization(nonce: string, realm: string, password = 's3cret'): string {
  const ha1 = digestHa1('trunk1', realm, password);
  const response = digestResponse({ ha1: ha1.md5, algorithm: 'MD5', method: 'INVITE', uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'c1' });
  return `Digest username="trunk1", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1", response="${response}"`;
}

describe('InviteAuth', () => {
  const clock = manualClock('2025-01-01T00:00:00Z');
  const nonces = new NonceIssuer({ clock });
  const ha1 = digestHa1('trunk1', 'prolope', 's3cret');
  const auth = (authorizations: string[], failures: string[] = []) =>
    new InviteAuth({ authorizations, requestUri: uri, source: pbx, nonces, realm: 'prolope', authFailed: (a) => void failures.push(a) });

  it('checks the credentials of our realm, whichever header carries them first', () => {
    const n = nonces.issue(pbx);
    const a = auth([authorization(n, 'upstream'), authorization(n, 'prolope')]);
    expect(a.credentials?.realm).toBe('prolope');
    expect(a.verify(ha1)).toBe(true);
    expect(auth([authorization(nonces.issue(pbx), 'prolope', 'wrong')]).verify(ha1)).toBe(false);
    expect(auth(['Basic dHJ1bms6eA==']).credentials).toBeUndefined();
  });

  it('challenges with a fresh nonce, stale=true when the credentials answer an expired one, and counts failures against the source', () => {
    const failures: string[] = [];
    const old = nonces.issue(pbx);
    clock.advance(5 * 60 * 1000 + 1);
    const a = auth([authorization(old, 'prolope')], failures);
    expect(a.stale).toBe(true);
    const [md5, sha] = a.challenge();
    expect(md5).toMatch(/^Digest realm="prolope", nonce="[^"]+", algorithm=MD5, qop="auth", stale=true$/);
    expect(sha).toContain('algorithm=SHA-256');
    expect(auth([]).challenge()[0]).not.toContain('stale');
    a.failed();
    expect(failures).toEqual([pbx]);
  });

  it("checks a SIP user's credentials in their account's domain, never in another realm, and challenges there with the registrar's algorithms", () => {
    const domain = '01jd4x2k8t9w3m5q7r6v0z1b2c.sip.localhost';
    const userHa1 = digestHa1('trunk1', domain, 's3cret');
    const n = nonces.issue(pbx);
    const a = auth([authorization(n, domain)]);
    expect(a.verify(userHa1, domain)).toBe(true);
    // The same password hashed for our trunks' realm, or the credentials checked in another domain: no.
    expect(auth([authorization(nonces.issue(pbx), domain)]).verify(ha1, domain)).toBe(false);
    expect(auth([authorization(nonces.issue(pbx), domain)]).verify(userHa1, 'other.sip.localhost')).toBe(false);
    expect(auth([authorization(nonces.issue(pbx), domain)]).verify(userHa1)).toBe(false);
    const values = auth([]).challenge({ realm: domain, algorithms: ['MD5'] });
    expect(values).toHaveLength(1);
    expect(values[0]).toMatch(new RegExp(`^Digest realm="${domain.replaceAll('.', '\\.')}", nonce="[^"]+", algorithm=MD5, qop="auth"$`));
  });
});
