import type { Clock } from '../../clock.js';
import type { MessageSummary, MessageSummarySource, RegistrarDirectory, RegistrarPolicy } from '../backend.js';
import { challengeHeaders, type NonceIssuer, parseDigestCredentials, verifyDigestCredentials } from './digest-auth.js';
import { parseNameAddr, uriHostPort, uriUser } from './header-values.js';
import { type Endpoint, newBranch, randomToken, SERVER_NAME } from './responses.js';
import { getHeader, getHeaders, type SipRequest, serialize } from './sip-message.js';

/** The event package of RFC 3842 (message waiting indication). */
export const MESSAGE_SUMMARY = 'message-summary';
/** How long a subscription lasts when the phone does not say, and the longest we grant. */
const DEFAULT_EXPIRES = 3600;

/** The `application/simple-message-summary` body (RFC 3842 section 5.2). */
export function messageSummaryBody(summary: MessageSummary, account: string): string {
  return `Messages-Waiting: ${summary.new > 0 ? 'yes' : 'no'}\r\nMessage-Account: ${account}\r\nVoice-Message: ${summary.new}/${summary.old}\r\n`;
}

/** What the SIP endpoint lends the subscriptions: nonces, transactions, our address. */
export interface MessageSummaryHost {
  nonces: NonceIssuer;
  clock: Clock;
  /** Sends a request in a client transaction keyed `key`; resolves with the final response or undefined. */
  sendRequest(buf: Buffer, to: Endpoint, key: string): Promise<unknown>;
  /** `host:port` we advertise to the sender of `req`. */
  sentBy(req: SipRequest): string;
  authFailed?(address: string): void;
  warn(obj: object, msg: string): void;
}

interface Subscription {
  userId: string;
  realm: string;
  account: string;
  callId: string;
  localTag: string;
  /** The SUBSCRIBE's From, with the phone's tag: our NOTIFY's To. */
  remote: string;
  /** Where NOTIFYs go: the phone's Contact as the Request-URI, its source address as the destination (RFC 3581). */
  target: string;
  destination: Endpoint;
  sentBy: string;
  cseq: number;
  expiresAt: number;
  /** The body last sent, so a change that changes nothing sends nothing. */
  last: string;
}

export interface SubscribeAnswer {
  status: number;
  reason?: string;
  headers: Array<[string, string]>;
  toTag?: string;
}

/**
 * Serves SUBSCRIBE for `message-summary` (RFC 3842 over RFC 6665): a phone subscribes to its own
 * user's mailbox with the digest credentials it registers with, gets 200 and a NOTIFY with the counts
 * at once, and another NOTIFY whenever `refresh` finds them changed; `Expires: 0` ends it with a
 * final NOTIFY. Subscriptions live in this process (a restart drops them; phones re-subscribe).
 * Knows nothing of voicemail: the counts come from `source`.
 */
export class MessageSummaryServer {
  readonly #subs = new Map<string, Subscription>();
  readonly #host: MessageSummaryHost;
  readonly #directory: RegistrarDirectory;
  readonly #policy: RegistrarPolicy;
  readonly #source: MessageSummarySource;

  constructor(host: MessageSummaryHost, directory: RegistrarDirectory, policy: RegistrarPolicy, source: MessageSummarySource) {
    this.#host = host;
    this.#directory = directory;
    this.#policy = policy;
    this.#source = source;
  }

  get size(): number {
    return this.#subs.size;
  }

  /** Answers a SUBSCRIBE; `sent` runs once the answer is out (the first NOTIFY must follow the 200). */
  async onSubscribe(req: SipRequest, source: Endpoint): Promise<{ answer: SubscribeAnswer; after?: () => Promise<void> }> {
    const event = (getHeader(req, 'event') ?? '').split(';')[0]?.trim().toLowerCase();
    if (event !== MESSAGE_SUMMARY) return { answer: { status: 489, headers: [['Allow-Events', MESSAGE_SUMMARY]] } };
    const aor = uriHostPort(req.to.uri);
    const username = uriUser(req.to.uri);
    if (!aor || !username) return { answer: { status: 404, headers: [] } };
    const realm = aor.host.toLowerCase();
    const all = [...getHeaders(req, 'authorization'), ...getHeaders(req, 'proxy-authorization')].map(parseDigestCredentials).filter((c) => c !== undefined);
    const creds = all.find((c) => c.realm === realm) ?? all[0];
    const challenge = (stale: boolean): SubscribeAnswer => ({
      status: 401,
      headers: challengeHeaders(this.#host.nonces.issue(source.address), stale, realm)
        .filter((v) => this.#policy.algorithms.some((alg) => v.includes(`algorithm=${alg},`)))
        .map((v) => ['WWW-Authenticate', v] as [string, string]),
    });
    if (!creds) return { answer: challenge(false) };
    if (this.#host.nonces.check(creds.nonce, source.address) === 'stale') return { answer: challenge(true) };
    // Only one's own mailbox: the digest username must be the user subscribed to.
    const user = creds.username === username ? await this.#directory.findUser(realm, username) : undefined;
    if (!user || !verifyDigestCredentials(creds, user.ha1, { method: 'SUBSCRIBE', uri: req.uri, source: source.address }, this.#host.nonces, realm)) {
      this.#host.authFailed?.(source.address);
      return { answer: { status: 403, headers: [] } };
    }
    const expiresHeader = getHeader(req, 'expires');
    const asked = expiresHeader === undefined ? DEFAULT_EXPIRES : Number(expiresHeader.trim());
    if (!Number.isInteger(asked) || asked < 0) return { answer: { status: 400, reason: 'Bad Expires', headers: [] } };
    const expires = Math.min(asked, DEFAULT_EXPIRES);

    const theirTag = req.to.params.tag;
    let sub: Subscription | undefined;
    if (theirTag !== undefined) {
      sub = this.#subs.get(key(req.callId, theirTag));
      if (!sub) return { answer: { status: 481, headers: [] } };
    } else {
      const contact = parseNameAddr(getHeader(req, 'contact') ?? '');
      if (!contact) return { answer: { status: 400, reason: 'Missing Contact', headers: [] } };
      sub = {
        userId: user.id,
        realm,
        account: `sip:${username}@${realm}`,
        callId: req.callId,
        localTag: randomToken(),
        remote: getHeader(req, 'from') ?? '',
        target: contact.uri,
        destination: source,
        sentBy: this.#host.sentBy(req),
        cseq: 0,
        expiresAt: 0,
        last: '',
      };
    }
    const current = sub;
    current.expiresAt = this.#host.clock.now().getTime() + expires * 1000;
    const answer: SubscribeAnswer = {
      status: 200,
      toTag: current.localTag,
      headers: [
        ['Expires', String(expires)],
        ['Contact', `<sip:${current.sentBy}>`],
      ],
    };
    const after = async () => {
      if (expires === 0) {
        this.#subs.delete(key(current.callId, current.localTag));
        await this.#notify(current, 'terminated;reason=timeout', await this.#source.summary(current.userId));
        return;
      }
      await this.#notify(current, `active;expires=${expires}`, await this.#source.summary(current.userId));
      // Kept once the first NOTIFY is out, so a refresh never overtakes it.
      this.#subs.set(key(current.callId, current.localTag), current);
    };
    return { answer, after };
  }

  /**
   * Asks for the counts of every subscription in `realm` (every one without it) and NOTIFYs those
   * whose counts changed; expired subscriptions are dropped.
   */
  async refresh(realm?: string): Promise<void> {
    const now = this.#host.clock.now().getTime();
    for (const [k, sub] of [...this.#subs]) {
      if (sub.expiresAt <= now) {
        this.#subs.delete(k);
        continue;
      }
      if (realm !== undefined && sub.realm !== realm) continue;
      const summary = await this.#source.summary(sub.userId);
      if (messageSummaryBody(summary, sub.account) === sub.last) continue;
      await this.#notify(sub, `active;expires=${Math.max(1, Math.round((sub.expiresAt - now) / 1000))}`, summary);
    }
  }

  clear(): void {
    this.#subs.clear();
  }

  async #notify(sub: Subscription, state: string, summary: MessageSummary): Promise<void> {
    const body = messageSummaryBody(summary, sub.account);
    sub.last = body;
    const branch = newBranch();
    const buf = serialize({
      startLine: `NOTIFY ${sub.target} SIP/2.0`,
      headers: [
        ['Via', `SIP/2.0/UDP ${sub.sentBy};branch=${branch};rport`],
        ['Max-Forwards', '70'],
        ['From', `<${sub.account}>;tag=${sub.localTag}`],
        ['To', sub.remote],
        ['Call-ID', sub.callId],
        ['CSeq', `${++sub.cseq} NOTIFY`],
        ['Contact', `<sip:${sub.sentBy}>`],
        ['Event', MESSAGE_SUMMARY],
        ['Subscription-State', state],
        ['User-Agent', SERVER_NAME],
        ['Content-Type', 'application/simple-message-summary'],
      ],
      body,
    });
    const res = await this.#host.sendRequest(buf, sub.destination, `${branch}|NOTIFY`);
    if (!res) this.#host.warn({ callId: sub.callId }, 'sip: NOTIFY message-summary got no response');
  }
}

function key(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}
