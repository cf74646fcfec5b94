import { createHash, randomBytes } from 'node:crypto';
import { digestResponse, parseAuthParams } from './digest-auth.js';

/**
 * The UAC side of SIP digest (RFC 3261 §22.2, RFC 2617, RFC 7616): answering a carrier's 401
 * (WWW-Authenticate) or 407 (Proxy-Authenticate) with an Authorization / Proxy-Authorization header.
 * MD5 and SHA-256, with qop=auth (a fresh cnonce, nc=00000001) when the challenge offers it.
 */

/** One parsed challenge. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm: 'MD5' | 'SHA-256';
  /** Whether the challenge offers qop=auth (we never use auth-int). */
  qopAuth: boolean;
  /** Whether it lists qop at all but not `auth` (then we cannot answer it). */
  qopUnsupported: boolean;
  opaque?: string;
}

/** Parses `Digest realm=..., nonce=..., ...`; undefined when not Digest or an algorithm we lack. */
export function parseDigestChallenge(value: string): DigestChallenge | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const p = parseAuthParams(m[1]!);
  if (!p || p.realm === undefined || p.nonce === undefined) return undefined;
  const alg = (p.algorithm ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return undefined;
  const qops = (p.qop ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q !== '');
  return {
    realm: p.realm,
    nonce: p.nonce,
    algorithm: alg,
    qopAuth: qops.includes('auth'),
    qopUnsupported: qops.length > 0 && !qops.includes('auth'),
    ...(p.opaque !== undefined ? { opaque: p.opaque } : {}),
  };
}

/** Picks the challenge to answer among several (SHA-256 preferred, RFC 7616 §3.7), skipping those we cannot. */
export function pickChallenge(values: string[]): DigestChallenge | undefined {
  const usable = values.map(parseDigestChallenge).filter((c): c is DigestChallenge => c !== undefined && !c.qopUnsupported);
  return usable.find((c) => c.algorithm === 'SHA-256') ?? usable[0];
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/** The credentials header value answering `challenge` for `method uri`. */
export function digestAuthorization(
  challenge: DigestChallenge,
  creds: { username: string; password: string },
  method: string,
  uri: string,
  cnonce = randomBytes(8).toString('hex'),
): string {
  const hash = (s: string) =>
    createHash(challenge.algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(s, 'utf8')
      .digest('hex');
  const ha1 = hash(`${creds.username}:${challenge.realm}:${creds.password}`);
  const nc = '00000001';
  const response = digestResponse({
    ha1,
    algorithm: challenge.algorithm,
    method,
    uri,
    nonce: challenge.nonce,
    ...(challenge.qopAuth ? { qop: 'auth', nc, cnonce } : {}),
  });
  const parts = [
    `username=${quote(creds.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `response=${quote(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (challenge.qopAuth) parts.push('qop=auth', `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}
