import { randomBytes } from 'node:crypto';
import { digestAuthorization, pickChallenge } from '../sip/digest-client.js';
import { splitCommaList } from '../sip/header-values.js';
import { newBranch, randomToken, SERVER_NAME } from '../sip/responses.js';
import { getHeader, getHeaders, type SipResponse, serialize } from '../sip/sip-message.js';

/** Where a REGISTER goes and how: the send half comes from the phone's SIP endpoint (EmbeddedSip.request). */
export interface RegistrationOptions {
  /** Sends one REGISTER in a client transaction; resolves with the final response or undefined. */
  send(buf: Buffer, branch: string): Promise<SipResponse | undefined>;
  /** Our Via sent-by, `host:port` (the address the registrar should reach). */
  sentBy: string;
  username: string;
  password: string;
  /** The account's SIP domain (`<slug>.sip.localhost`): the Request-URI and the AOR's host. */
  domain: string;
  /** Seconds we ask for (the registrar may grant less, or ask for more with 423). */
  expiresSeconds: number;
}

/** What one REGISTER came to: the final status and, on success, the seconds the registrar granted. */
export interface RegisterOutcome {
  status: number;
  reason: string;
  /** Granted seconds (200 only). */
  expires?: number;
}

/**
 * A phone's registration (RFC 3261 §10.2): REGISTER with the AOR `sip:<user>@<domain>` and one Contact,
 * a 401/407 answered once with digest (MD5 or SHA-256, whichever the registrar offers; SHA-256 first),
 * a 423 retried once with its Min-Expires, then refreshed at half the granted time until `stop()`,
 * which removes the binding with `Expires: 0`. One Call-ID for its whole life, CSeq rising (§10.2.4).
 * Hand-written rather than taken from a library: the maintained JS SIP UAs (sip.js, JsSIP) speak SIP
 * over WebSocket for browsers and have no UDP transport in Node, and this reuses the SIP stack
 * Prolope already has (transactions, parser, digest).
 *
 * @example
 * ```ts
 * const reg = new Registration({ send: (buf, branch) => sip.request(buf, server, branch, 'REGISTER'), sentBy: '127.0.0.1:5070', username: '201', password, domain: 'acme.sip.localhost', expiresSeconds: 300 });
 * await reg.start(); // { status: 200, reason: 'OK', expires: 300 }
 * await reg.stop(); // Expires: 0
 * ```
 */
export class Registration {
  readonly callId = `${randomBytes(10).toString('hex')}@prolope-phone`;
  readonly #tag = randomToken();
  #cseq = 0;
  #refresh: NodeJS.Timeout | undefined;
  #stopped = false;
  #refreshFailed: ((outcome: RegisterOutcome) => void) | undefined;

  constructor(private readonly opts: RegistrationOptions) {}

  /** The Contact we register: where the server sends INVITEs for this user. */
  get contact(): string {
    return `<sip:${this.opts.username}@${this.opts.sentBy}>`;
  }

  /** Called when a refresh fails (the binding will expire); the phone reports it. */
  onRefreshFailed(listener: (outcome: RegisterOutcome) => void): void {
    this.#refreshFailed = listener;
  }

  /** Registers and, on 200, keeps refreshing at half the granted expiry. */
  async start(): Promise<RegisterOutcome> {
    this.#stopped = false;
    const outcome = await this.register(this.opts.expiresSeconds);
    if (outcome.status >= 200 && outcome.status < 300) this.#schedule(outcome.expires ?? this.opts.expiresSeconds);
    return outcome;
  }

  /** Stops refreshing and removes the binding (`Expires: 0`). */
  async stop(): Promise<RegisterOutcome> {
    this.#stopped = true;
    clearTimeout(this.#refresh);
    return this.register(0);
  }

  /** One REGISTER exchange: the request, a digest retry on 401/407, a retry with Min-Expires on 423. */
  async register(expires: number): Promise<RegisterOutcome> {
    let authorization: [string, string] | undefined;
    let asked = expires;
    let triedAuth = false;
    let triedInterval = false;
    for (;;) {
      const res = await this.#send(asked, authorization);
      if (!res) return { status: 408, reason: 'no response from the registrar' };
      if ((res.status === 401 || res.status === 407) && !triedAuth) {
        const challenge = pickChallenge(getHeaders(res, res.status === 401 ? 'www-authenticate' : 'proxy-authenticate'));
        if (!challenge) return { status: res.status, reason: res.reason };
        triedAuth = true;
        authorization = [
          res.status === 401 ? 'Authorization' : 'Proxy-Authorization',
          digestAuthorization(challenge, { username: this.opts.username, password: this.opts.password }, 'REGISTER', this.#requestUri),
        ];
        continue;
      }
      const min = Number(getHeader(res, 'min-expires'));
      if (res.status === 423 && !triedInterval && Number.isInteger(min) && min > asked) {
        triedInterval = true;
        asked = min;
        // The nonce may be single-use: a fresh challenge answers the retry.
        authorization = undefined;
        triedAuth = false;
        continue;
      }
      if (res.status >= 300) return { status: res.status, reason: res.reason };
      return { status: res.status, reason: res.reason, expires: grantedExpires(res, this.opts.sentBy) ?? asked };
    }
  }

  get #requestUri(): string {
    return `sip:${this.opts.domain}`;
  }

  #send(expires: number, authorization: [string, string] | undefined): Promise<SipResponse | undefined> {
    const branch = newBranch();
    const aor = `<sip:${this.opts.username}@${this.opts.domain}>`;
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP ${this.opts.sentBy};branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `${aor};tag=${this.#tag}`],
      ['To', aor],
      ['Call-ID', this.callId],
      ['CSeq', `${++this.#cseq} REGISTER`],
      ['Contact', this.contact],
      ['Expires', String(expires)],
      ['User-Agent', `${SERVER_NAME} phone`],
    ];
    if (authorization) headers.push(authorization);
    return this.opts.send(serialize({ startLine: `REGISTER ${this.#requestUri} SIP/2.0`, headers }), branch);
  }

  #schedule(granted: number): void {
    clearTimeout(this.#refresh);
    if (this.#stopped || granted <= 0) return;
    // Half the granted time (at least a second): a lost refresh still has the other half to be retried.
    this.#refresh = setTimeout(
      () => {
        void this.register(this.opts.expiresSeconds).then((outcome) => {
          if (this.#stopped) return;
          if (outcome.status >= 200 && outcome.status < 300) this.#schedule(outcome.expires ?? this.opts.expiresSeconds);
          else this.#refreshFailed?.(outcome);
        });
      },
      Math.max(1, granted / 2) * 1000,
    );
    this.#refresh.unref();
  }
}

/** The expiry the registrar granted our Contact: its `expires` param in the 200's Contact list, else the Expires header. */
function grantedExpires(res: SipResponse, sentBy: string): number | undefined {
  for (const contact of getHeaders(res, 'contact').flatMap(splitCommaList)) {
    if (!contact.includes(sentBy)) continue;
    const m = /;\s*expires=(\d+)/i.exec(contact);
    if (m) return Number(m[1]);
  }
  const header = Number(getHeader(res, 'expires'));
  return Number.isInteger(header) ? header : undefined;
}
