import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from '../../clock.js';
import { SIP_REALM } from '../digest-ha1.js';
import type { DigestCredentials } from '../backend.js';

/**
 * SIP digest authentication (RFC 3261 §22, RFC 2617, RFC 7616) for the UAS side: parsing the
 * `Authorization` header, issuing challenges with stateless nonces, and checking a response against
 * a stored HA1 (see `digestHa1` in sip-trunks), so we never hold a password.
 */

/** How long a nonce stays valid. Long enough for a PBX to retry, short enough to limit replays. */
export const NONCE_LIFETIME_MS = 5 * 60 * 1000;

/** The nc of a response without qop, which has none: such a nonce is good for one request. */
const NO_COUNT = -1;

/**
 * Nonces bound to a time, a source and a count. A nonce is `<ms timestamp hex>.<8 random bytes hex>.
 * <HMAC-SHA256(secret, timestamp.random|source address) hex>`: issuing one stores nothing (a flood of INVITEs costs us no memory),
 * any nonce we issued can be checked for origin, age and the address it was issued to, so a captured
 * Authorization does not work from elsewhere. Replays from the same address are refused by the count:
 * once a response verifies, its nonce and nc are remembered until the nonce expires, and a later use
 * must carry a higher nc (RFC 7616 §3.4.2); a response without qop (no nc) is good once. Only verified
 * responses are remembered, so the table holds at most one entry per successful authentication within
 * the lifetime and cannot be filled by someone without a password. The secret is per process, so a
 * restart invalidates outstanding nonces (the UA simply retries).
 */
export class NonceIssuer {
  readonly #secret: Buffer;
  readonly #clock: Clock;
  readonly #lifetimeMs: number;
  /** Highest nc used per nonce (NO_COUNT for a no-qop use), with the nonce's issue time for pruning. */
  readonly #used = new Map<string, { nc: number; issuedAt: number }>();
  #lastSweep = 0;

  constructor(opts: { secret?: Buffer; clock?: Clock; lifetimeMs?: number } = {}) {
    this.#secret = opts.secret ?? randomBytes(32);
    this.#clock = opts.clock ?? systemClock;
    this.#lifetimeMs = opts.lifetimeMs ?? NONCE_LIFETIME_MS;
  }

  /** A fresh nonce for the current time, good only for requests from `source` (the UDP source address). */
  issue(source: string): string {
    // The random part keeps two challenges in one millisecond apart: each call from a PBX counts its own nc.
    const head = `${this.#clock.now().getTime().toString(16)}.${randomBytes(8).toString('hex')}`;
    return `${head}.${this.#mac(head, source)}`;
  }

  /** 'valid', 'stale' (ours but expired — challenge again with stale=true), or 'invalid' (not ours, or issued to another address). */
  check(nonce: string, source: string): 'valid' | 'stale' | 'invalid' {
    const m = /^(([0-9a-f]{1,13})\.[0-9a-f]{16})\.([0-9a-f]{64})$/.exec(nonce);
    if (!m) return 'invalid';
    if (!safeEqualHex(m[3]!, this.#mac(m[1]!, source))) return 'invalid';
    const age = this.#clock.now().getTime() - Number.parseInt(m[2]!, 16);
    if (age < 0 || age > this.#lifetimeMs) return 'stale';
    return 'valid';
  }

  /**
   * Records one use of a valid nonce after its response verified; false when it is a replay (the same
   * or a lower nc than a use before it, or any second use of a no-qop response).
   */
  consume(nonce: string, nc: string | undefined): boolean {
    const now = this.#clock.now().getTime();
    this.#sweep(now);
    const count = nc === undefined ? NO_COUNT : Number.parseInt(nc, 16);
    const prev = this.#used.get(nonce);
    if (prev && (prev.nc === NO_COUNT || count === NO_COUNT || count <= prev.nc)) return false;
    this.#used.set(nonce, { nc: count, issuedAt: prev?.issuedAt ?? Number.parseInt(nonce.split('.')[0]!, 16) });
    return true;
  }

  /** Nonces whose use is remembered (tests check it stays bounded). */
  get remembered(): number {
    return this.#used.size;
  }

  /** Forgets uses of expired nonces (they fail the age check anyway), at most once a minute. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < Math.min(60_000, this.#lifetimeMs)) return;
    this.#lastSweep = now;
    for (const [nonce, use] of this.#used) if (now - use.issuedAt > this.#lifetimeMs) this.#used.delete(nonce);
  }

  #mac(head: string, source: string): string {
    return createHmac('sha256', this.#secret).update(`${head}|${source}`).digest('hex');
  }
}

function safeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  // Length is not secret (always the hash size for well-formed input); compare contents in constant time.
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** The two `WWW-Authenticate` values of a challenge: MD5 first (what most PBXs and SIPp pick), then SHA-256. */
export function challengeHeaders(nonce: string, stale: boolean, realm: string = SIP_REALM): string[] {
  const tail = stale ? ', stale=true' : '';
  return ['MD5', 'SHA-256'].map((alg) => `Digest realm="${realm}", nonce="${nonce}", algorithm=${alg}, qop="auth"${tail}`);
}

/**
 * Parses `Digest k=v, k="v", ...`. Undefined when it is not Digest, misses a required field, or
 * uses an algorithm we do not support (the `-sess` variants): we then simply challenge again.
 */
export function parseDigestCredentials(value: string): DigestCredentials | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const params = parseAuthParams(m[1]!);
  if (!params) return undefined;
  const { username, realm, nonce, uri, response } = params;
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return undefined;
  const alg = (params.algorithm ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return undefined;
  const creds: DigestCredentials = { username, realm, nonce, uri, response, algorithm: alg };
  if (params.qop !== undefined) creds.qop = params.qop;
  if (params.nc !== undefined) creds.nc = params.nc;
  if (params.cnonce !== undefined) creds.cnonce = params.cnonce;
  if (params.opaque !== undefined) creds.opaque = params.opaque;
  return creds;
}

/** Comma-separated `name=token` / `name="quoted \" string"` pairs; undefined if malformed. */
export function parseAuthParams(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  const skipWs = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  while (true) {
    skipWs();
    const nm = /^[A-Za-z0-9\-_]+/.exec(s.slice(i));
    if (!nm) return undefined;
    i += nm[0].length;
    skipWs();
    if (s[i] !== '=') return undefined;
    i++;
    skipWs();
    let val = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i++]!;
        if (c === '\\' && i < s.length) val += s[i++];
        else if (c === '"') {
          closed = true;
          break;
        } else val += c;
      }
      if (!closed) return undefined;
    } else {
      const tok = /^[^\s,"]+/.exec(s.slice(i));
      if (!tok) return undefined;
      val = tok[0];
      i += tok[0].length;
    }
    out[nm[0].toLowerCase()] = val;
    skipWs();
    if (i >= s.length) return out;
    if (s[i] !== ',') return undefined;
    i++;
  }
}

/** Inputs of a digest response computation. */
export interface DigestInput {
  /** H(username:realm:password) in the algorithm's hash, hex. */
  ha1: string;
  algorithm: 'MD5' | 'SHA-256';
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** The expected `response` value (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1), for qop=auth or no qop. */
export function digestResponse(input: DigestInput): string {
  const h = (s: string) =>
    createHash(input.algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(s, 'utf8')
      .digest('hex');
  const ha2 = h(`${input.method}:${input.uri}`);
  if (input.qop === undefined) return h(`${input.ha1}:${input.nonce}:${ha2}`);
  return h(`${input.ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
}

/**
 * Checks credentials against a stored HA1 for a request: right realm, a nonce we issued to this source
 * and that is not expired, the digest URI equal to the Request-URI (so a response cannot be lifted from
 * another request), a supported qop, the response compared in constant time, and last — only for a
 * response that is right — the nonce count, so a captured Authorization replayed on a new Call-ID fails.
 */
export function verifyDigestCredentials(
  creds: DigestCredentials | undefined,
  ha1: { md5: string; sha256: string },
  request: { method: string; uri: string; source: string },
  nonces: NonceIssuer,
  realm: string = SIP_REALM,
): boolean {
  if (!creds) return false;
  if (creds.realm !== realm) return false;
  if (nonces.check(creds.nonce, request.source) !== 'valid') return false;
  if (creds.uri.trim() !== request.uri.trim()) return false;
  if (creds.qop !== undefined) {
    if (creds.qop.toLowerCase() !== 'auth') return false;
    if (!creds.nc || !/^[0-9a-fA-F]{8}$/.test(creds.nc) || !creds.cnonce) return false;
  }
  const expected = digestResponse({
    ha1: (creds.algorithm === 'MD5' ? ha1.md5 : ha1.sha256).toLowerCase(),
    algorithm: creds.algorithm,
    method: request.method,
    uri: creds.uri,
    nonce: creds.nonce,
    ...(creds.qop !== undefined ? { qop: creds.qop, nc: creds.nc!, cnonce: creds.cnonce! } : {}),
  });
  if (!safeEqualHex(creds.response.toLowerCase(), expected)) return false;
  return nonces.consume(creds.nonce, creds.qop !== undefined ? creds.nc : undefined);
}
