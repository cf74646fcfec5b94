import type { DigestCredentials } from '../backend.js';
import { challengeHeaders, type NonceIssuer, parseDigestCredentials, verifyDigestCredentials } from '../sip/digest-auth.js';

/** The realm (and digest algorithms) a challenge names when it is not the trunks' realm. */
export interface DigestRealm {
  realm: string;
  algorithms?: ReadonlyArray<'MD5' | 'SHA-256'>;
}

export interface InviteAuthOptions {
  /** The INVITE's Authorization values, then its Proxy-Authorization ones (some UAs answer a 401 with the latter). */
  authorizations: readonly string[];
  /** The INVITE's Request-URI, which the credentials must name. */
  requestUri: string;
  /** The INVITE's source address: nonces are issued to it and failures counted against it. */
  source: string;
  nonces: NonceIssuer;
  /** Realm of our challenges; stored HA1s are computed for it. */
  realm: string;
  /** Counts a failed authentication from this address (SourceGuard). */
  authFailed?(address: string): void;
}

/**
 * The digest side of an inbound INVITE (RFC 3261 §22, RFC 7616), one implementation for both
 * backends: which credentials count, checking them against a stored HA1, and the challenge to send.
 */
export class InviteAuth {
  readonly credentials: DigestCredentials | undefined;
  readonly #opts: InviteAuthOptions;
  readonly #all: DigestCredentials[];

  constructor(opts: InviteAuthOptions) {
    this.#opts = opts;
    this.#all = opts.authorizations.map(parseDigestCredentials).filter((c): c is DigestCredentials => c !== undefined);
    // A UA may carry credentials for several realms (e.g. an upstream proxy's); ours are the ones to check.
    this.credentials = this.#all.find((c) => c.realm === opts.realm) ?? this.#all[0];
  }

  /**
   * Checks against a stored HA1 in our realm, or in `realm` when given: a SIP user's phone answers in its
   * account's SIP domain (the realm its HA1 was computed for at REGISTER), not the trunks' realm.
   */
  verify(ha1: { md5: string; sha256: string }, realm?: string): boolean {
    const o = this.#opts;
    const creds = realm === undefined ? this.credentials : this.#all.find((c) => c.realm === realm);
    return verifyDigestCredentials(creds, ha1, { method: 'INVITE', uri: o.requestUri, source: o.source }, o.nonces, realm ?? o.realm);
  }

  /** The credentials answer a challenge of ours that has aged out: challenge again with stale=true. */
  get stale(): boolean {
    return this.credentials !== undefined && this.#opts.nonces.check(this.credentials.nonce, this.#opts.source) === 'stale';
  }

  failed(): void {
    this.#opts.authFailed?.(this.#opts.source);
  }

  /**
   * The `WWW-Authenticate` values of a 401 with a fresh nonce for this source: in our realm, or in a SIP
   * user's domain with the algorithms the registrar offers (some phones give up on a list with one they lack).
   */
  challenge(asUser?: DigestRealm): string[] {
    // stale=true tells the UA its password was fine but the nonce aged out, so it retries silently (RFC 7616 §3.3).
    const stale = this.stale;
    const values = challengeHeaders(this.#opts.nonces.issue(this.#opts.source), stale, asUser?.realm ?? this.#opts.realm);
    const algorithms = asUser?.algorithms;
    return algorithms ? values.filter((v) => algorithms.some((alg) => v.includes(`algorithm=${alg},`))) : values;
  }
}
