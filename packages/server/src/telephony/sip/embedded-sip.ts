import { isIPv6 } from 'node:net';
import { type Clock, systemClock } from '../../clock.js';
import type { SipInboundCall, TelephonyBackend } from '../backend.js';
import type { SourceGuard } from '../source-guard.js';
import { ClientInviteTransaction, type InviteTransactionUser } from './client-invite-transaction.js';
import { ClientNonInviteTransaction } from './client-transaction.js';
import { NonceIssuer } from './digest-auth.js';
import type { MessageSummarySource, RegistrarDirectory, RegistrarPolicy } from '../backend.js';
import { MessageSummaryServer } from './message-summary.js';
import { processRegister } from './registrar.js';
import { uriHostPort } from './header-values.js';
import { ALLOW, basisOf, buildResponse, type Endpoint, type ResponseOptions, randomToken } from './responses.js';
import { MIN_SESSION_EXPIRES, sessionTimer, unsupportedRequired } from './session-options.js';
import { ServerInviteTransaction, ServerNonInviteTransaction, type ServerTransaction, serverTransactionKey } from './server-transactions.js';
import { parseReplaces } from './replaces.js';
import { getHeader, type SipRequest, type SipResponse, serialize } from './sip-message.js';
import { after, DEFAULT_TIMERS, type SipTimerConfig } from './sip-timers.js';
import { UacCall, type UacHost, type UacOptions } from './uac-call.js';
import { type UasCallOwner, UasCall } from './uas-call.js';
import { type SipLogger, type TransportStats, UdpTransport } from './udp-transport.js';

/** Options of the embedded SIP endpoint. */
export interface EmbeddedSipOptions {
  /** Address to bind (default `0.0.0.0`). */
  host?: string;
  /** UDP port (default 5060, per the service terms; 0 picks a free port, for tests). */
  port?: number;
  /**
   * Address to advertise in Contact / Via. Defaults to the bound address, or — when bound to a
   * wildcard — the host the caller addressed in the Request-URI (it reached us there).
   */
  publicAddress?: string;
  /** Port to advertise (default: the bound port). */
  publicPort?: number;
  /** RFC 3261 timers; tests shrink them. */
  timers?: Partial<SipTimerConfig>;
  /** An INVITE nobody answered finally within this time gets 480 (default 180 s; 0 disables). */
  ringTimeoutMs?: number;
  /** Secret for stateless nonces (default: random per process). */
  nonceSecret?: Buffer;
  /** Clock for nonce ages (tests). */
  clock?: Clock;
  /** Failed-authentication throttling: banned sources are dropped unread (default: none). */
  guard?: SourceGuard;
  logger?: SipLogger;
}

/** Counters and table sizes, so tests (and health checks) can see that nothing leaks. */
export interface EmbeddedSipStats extends TransportStats {
  serverTransactions: number;
  clientTransactions: number;
  dialogs: number;
  /** Responses that matched no client transaction. */
  strayResponses: number;
  /** Phones subscribed to `message-summary` (RFC 3842). */
  messageSummarySubscriptions: number;
}

const KNOWN_METHODS = new Set(['REGISTER', 'SUBSCRIBE', 'NOTIFY', 'MESSAGE', 'INFO', 'UPDATE', 'PRACK', 'REFER', 'PUBLISH']);

/**
 * The signalling half of the embedded telephony backend: a SIP UAS over UDP (RFC 3261) that turns
 * INVITEs into `SipInboundCall`s (the backends hand them to the calls domain). Media (`openMedia`) lives in the RTP module.
 *
 * @example
 * ```ts
 * const sip = new EmbeddedSip({ port: 5060 });
 * sip.onInvite(async (call) => {
 *   if (!call.credentials) return call.challenge();
 *   if (!call.verifyDigest(ha1)) return call.reject(403);
 *   await call.answer(sdpAnswer);
 * });
 * const { sipPort } = await sip.start();
 * ```
 */
export class EmbeddedSip implements Pick<TelephonyBackend, 'start' | 'stop'> {
  readonly #opts: EmbeddedSipOptions;
  readonly #timers: SipTimerConfig;
  readonly #nonces: NonceIssuer;
  readonly #transport: UdpTransport;
  readonly #serverTx = new Map<string, ServerTransaction>();
  readonly #clientTx = new Map<string, ClientNonInviteTransaction>();
  readonly #calls = new Map<string, UasCall>();
  readonly #inviteTx = new Map<string, ClientInviteTransaction>();
  /** Outbound calls by Call-ID and our From tag (their requests carry it as the To tag). */
  readonly #uacCalls = new Map<string, UacCall>();
  readonly #callOwner: UasCallOwner;
  #handler: ((call: SipInboundCall) => Promise<void>) | undefined;
  #registrar: { directory: RegistrarDirectory; policy: RegistrarPolicy } | undefined;
  #mwi: MessageSummaryServer | undefined;
  #bound: Endpoint | undefined;
  #strayResponses = 0;

  constructor(opts: EmbeddedSipOptions = {}) {
    this.#opts = opts;
    this.#timers = { ...DEFAULT_TIMERS, ...opts.timers };
    this.#nonces = new NonceIssuer({ ...(opts.nonceSecret ? { secret: opts.nonceSecret } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
    const guard = opts.guard;
    this.#transport = new UdpTransport(
      (msg, source) => {
        if (msg.kind === 'request') this.#onRequest(msg, source);
        else this.#onResponse(msg);
      },
      opts.logger,
      guard ? (address) => guard.isBanned(address) : undefined,
    );
    this.#callOwner = {
      timers: this.#timers,
      nonces: this.#nonces,
      sendRaw: (buf, to) => this.#transport.send(buf, to),
      contactUri: (invite) => `sip:${this.#advertised(invite)}`,
      sentBy: (invite) => this.#advertised(invite),
      sendRequest: (buf, to, branch) => this.#sendRequest(buf, to, branch),
      sendInvite: (buf, to, branch, user, ackFor) => this.#sendInvite(buf, to, branch, user, ackFor),
      forget: (call) => {
        const key = dialogKey(call.callId, call.localTag, call.remoteTag);
        if (this.#calls.get(key) === call) this.#calls.delete(key);
      },
      authFailed: (address) => void guard?.recordFailure(address),
      warn: (obj, msg) => this.#opts.logger?.warn(obj, msg),
    };
  }

  /** Registers the handler for new INVITEs (one handler; a later call replaces it). */
  onInvite(handler: (call: SipInboundCall) => Promise<void>): void {
    this.#handler = handler;
  }

  /** Serves REGISTER (RFC 3261 §10) from a directory of users; without one REGISTER gets 405 as before. */
  serveRegistrations(directory: RegistrarDirectory, policy: RegistrarPolicy): void {
    this.#registrar = { directory, policy };
  }

  /** Serves SUBSCRIBE `message-summary` (RFC 3842); without it SUBSCRIBE gets 405 as before. */
  serveMessageSummary(directory: RegistrarDirectory, policy: RegistrarPolicy, source: MessageSummarySource): void {
    this.#mwi = new MessageSummaryServer(
      {
        nonces: this.#nonces,
        clock: this.#opts.clock ?? systemClock,
        sendRequest: (buf, to, key) => this.#sendRequest(buf, to, key),
        sentBy: (req) => this.#advertised(req),
        authFailed: (address) => void this.#opts.guard?.recordFailure(address),
        warn: (obj, msg) => this.#opts.logger?.warn(obj, msg),
      },
      directory,
      policy,
      source,
    );
  }

  /** NOTIFYs the subscribed phones of `domain`'s users whose counts changed. */
  async refreshMessageSummaries(domain: string): Promise<void> {
    await this.#mwi?.refresh(domain.toLowerCase());
  }

  /**
   * Places an outbound call: sends the INVITE at once and answers with the call, whose `outcome`
   * settles on the answer or the final failure. Needs `start()` first.
   */
  dial(opts: UacOptions): UacCall {
    const bound = this.#bound;
    if (!bound) throw new Error('the SIP endpoint is not started');
    let host = this.#opts.publicAddress;
    if (!host && bound.address !== '0.0.0.0' && bound.address !== '::') host = bound.address;
    host ??= '127.0.0.1';
    const sentBy = `${isIPv6(host) ? `[${host}]` : host}:${this.#opts.publicPort ?? bound.port}`;
    const callHost: UacHost = {
      timers: this.#timers,
      sentBy,
      sendRaw: (buf, to) => this.#transport.send(buf, to),
      sendInvite: (buf, to, branch, user, ackFor) => this.#sendInvite(buf, to, branch, user, ackFor),
      sendRequest: (buf, to, key) => this.#sendRequest(buf, to, key),
      forget: (call) => {
        const key = uacKey(call.callId, call.localTag);
        if (this.#uacCalls.get(key) === call) this.#uacCalls.delete(key);
      },
      dropInvite: (branch) => this.#inviteTx.get(branch)?.dispose(),
      warn: (obj, msg) => this.#opts.logger?.warn(obj, msg),
    };
    const call = new UacCall(opts, callHost);
    this.#uacCalls.set(uacKey(call.callId, call.localTag), call);
    call.start();
    return call;
  }

  /**
   * Sends a request outside any dialog (a phone's REGISTER, softphone/registration.ts) in a non-INVITE
   * client transaction from our socket, so the registrar sees the address calls must reach; resolves
   * with the final response, or undefined when none came (Timer F). Needs `start()` first.
   *
   * @example
   * ```ts
   * const res = await sip.request(serialize(register), { address: '127.0.0.1', port: 5060 }, branch, 'REGISTER');
   * res?.status; // 401, then 200 with the credentials
   * ```
   */
  request(buf: Buffer, to: Endpoint, branch: string, method: string): Promise<SipResponse | undefined> {
    if (!this.#bound) return Promise.reject(new Error('the SIP endpoint is not started'));
    return this.#sendRequest(buf, to, `${branch}|${method}`);
  }

  /** Binds the UDP socket; answers with the bound port. */
  async start(): Promise<{ sipPort: number }> {
    if (this.#bound) return { sipPort: this.#bound.port };
    this.#bound = await this.#transport.bind(this.#opts.host ?? '0.0.0.0', this.#opts.port ?? 5060);
    return { sipPort: this.#bound.port };
  }

  /**
   * Ends every call (503 to pending INVITEs, one BYE to established calls, `onEnd` with a system
   * error), drops all transactions and timers, and closes the socket.
   */
  async stop(): Promise<void> {
    for (const call of [...this.#calls.values()]) call.shutdown();
    for (const call of [...this.#uacCalls.values()]) call.shutdown();
    for (const tx of [...this.#inviteTx.values()]) tx.dispose();
    for (const tx of [...this.#clientTx.values()]) tx.dispose();
    for (const tx of [...this.#serverTx.values()]) tx.dispose();
    this.#calls.clear();
    this.#uacCalls.clear();
    this.#mwi?.clear();
    await this.#transport.close();
    this.#bound = undefined;
  }

  /** Message counters and table sizes. */
  stats(): EmbeddedSipStats {
    return {
      ...this.#transport.stats,
      serverTransactions: this.#serverTx.size,
      clientTransactions: this.#clientTx.size + this.#inviteTx.size,
      dialogs: this.#calls.size + this.#uacCalls.size,
      messageSummarySubscriptions: this.#mwi?.size ?? 0,
      strayResponses: this.#strayResponses,
    };
  }

  #onRequest(req: SipRequest, source: Endpoint): void {
    const key = serverTransactionKey(req);
    if (req.method === 'ACK') {
      // ACK for a non-2xx final shares the INVITE's branch and ends there (§17.2.1); an ACK for a 2xx
      // is a new transaction that belongs to the dialog (§13.3.1.4). Never answered.
      const tx = this.#serverTx.get(key);
      if (tx instanceof ServerInviteTransaction && tx.onAck()) return;
      this.#findDialog(req)?.onAck(req);
      return;
    }
    const existing = this.#serverTx.get(key);
    if (existing) {
      existing.onRetransmission();
      return;
    }
    if (req.method === 'CANCEL') {
      this.#onCancel(req, source, key);
      return;
    }
    const tx = this.#newServerTx(key, req, source);
    // A subscription is its own dialog (RFC 6665), refreshed with its To tag: not a call's.
    if (req.method === 'SUBSCRIBE' && this.#mwi) {
      this.#onSubscribe(req, source, tx, this.#mwi);
      return;
    }
    if (req.to.params.tag !== undefined) {
      const call = this.#findDialog(req) ?? this.#uacCalls.get(uacKey(req.callId, req.to.params.tag));
      if (call) call.onRequest(req, tx);
      else this.#reply(tx, 481);
      return;
    }
    switch (req.method) {
      case 'INVITE':
        this.#onNewInvite(req, source, tx as ServerInviteTransaction);
        return;
      case 'OPTIONS':
        this.#reply(tx, 200, {
          headers: [
            ['Allow', ALLOW],
            ['Accept', 'application/sdp'],
          ],
        });
        return;
      case 'BYE':
        this.#reply(tx, 481);
        return;
      case 'REFER':
        // RFC 3515 allows a REFER outside a dialog; we transfer only the calls a party is in.
        this.#reply(tx, 403, { headers: [['Warning', '399 prolope "REFER is accepted only inside a call (a transfer of that call)"']] });
        return;
      case 'REGISTER':
        if (this.#registrar) {
          this.#onRegister(req, source, tx, this.#registrar);
          return;
        }
        this.#reply(tx, 405, { headers: [['Allow', ALLOW]] });
        return;
      default:
        this.#reply(tx, KNOWN_METHODS.has(req.method) ? 405 : 501, { headers: [['Allow', ALLOW]] });
    }
  }

  #onNewInvite(req: SipRequest, source: Endpoint, tx: ServerInviteTransaction): void {
    // §8.2.2.2 merged request: same Call-ID, From tag and CSeq as a call in progress but another
    // branch — the same INVITE forked to us twice. Only the first copy becomes a call.
    for (const c of this.#calls.values()) {
      if (c.callId === req.callId && c.remoteTag === (req.from.params.tag ?? '') && c.invite.cseq.seq === req.cseq.seq) {
        this.#reply(tx, 482);
        return;
      }
    }
    // §8.2.2.3: an extension we lack (100rel: we send no reliable provisionals) is refused, named.
    const unsupported = unsupportedRequired(req);
    if (unsupported.length > 0) {
      this.#reply(tx, 420, { headers: [['Unsupported', unsupported.join(', ')]] });
      return;
    }
    // RFC 3891 §6.1: a Replaces naming no dialog (no Call-ID or a tag missing) is a malformed request.
    const replaces = getHeader(req, 'replaces');
    if (replaces !== undefined && !parseReplaces(replaces)) {
      this.#reply(tx, 400, { reason: 'Bad Replaces' });
      return;
    }
    if (sessionTimer(req).kind === 'too-small') {
      this.#reply(tx, 422, { headers: [['Min-SE', String(MIN_SESSION_EXPIRES)]] });
      return;
    }
    // 100 Trying stops the caller's INVITE retransmissions while the handler thinks (§17.2.1), but only
    // if it has not answered within `trying`: a challenge or refusal then goes alone, one datagram for one.
    after(this.#timers.trying, () => {
      if (!tx.responded) this.#reply(tx, 100);
    });
    const call = new UasCall(req, source, randomToken(), tx, this.#callOwner);
    this.#calls.set(dialogKey(call.callId, call.localTag, call.remoteTag), call);
    const handler = this.#handler;
    if (!handler) {
      void call.reject(503);
      return;
    }
    call.armRingTimer(this.#opts.ringTimeoutMs ?? 180_000, 480);
    Promise.resolve()
      .then(() => handler(call))
      .catch((err: unknown) => {
        this.#opts.logger?.warn({ err, callId: call.callId }, 'sip: INVITE handler failed');
        call.failFromHandler();
      });
  }

  #onRegister(req: SipRequest, source: Endpoint, tx: ServerTransaction, registrar: { directory: RegistrarDirectory; policy: RegistrarPolicy }): void {
    const deps = {
      ...registrar,
      nonces: this.#nonces,
      clock: this.#opts.clock ?? systemClock,
      authFailed: (address: string) => void this.#opts.guard?.recordFailure(address),
    };
    processRegister(req, source, deps)
      .then((answer) => this.#reply(tx, answer.status, { reason: answer.reason, headers: answer.headers }))
      .catch((err: unknown) => {
        this.#opts.logger?.warn({ err, callId: req.callId }, 'sip: REGISTER failed');
        this.#reply(tx, 500);
      });
  }

  #onSubscribe(req: SipRequest, source: Endpoint, tx: ServerTransaction, mwi: MessageSummaryServer): void {
    mwi
      .onSubscribe(req, source)
      .then(
        ({ answer, after }) => {
          this.#reply(tx, answer.status, { reason: answer.reason, headers: answer.headers, toTag: answer.toTag });
          after?.().catch((err: unknown) => this.#opts.logger?.warn({ err, callId: req.callId }, 'sip: NOTIFY message-summary failed'));
        },
        (err: unknown) => {
          this.#opts.logger?.warn({ err, callId: req.callId }, 'sip: SUBSCRIBE failed');
          this.#reply(tx, 500);
        },
      );
  }

  #onCancel(req: SipRequest, source: Endpoint, key: string): void {
    const tx = this.#newServerTx(key, req, source);
    // CANCEL matches the INVITE transaction with the same branch and sent-by (§9.2).
    const inviteTx = this.#serverTx.get(key.replace(/\|CANCEL$/, '|INVITE'));
    if (!(inviteTx instanceof ServerInviteTransaction)) {
      this.#reply(tx, 481);
      return;
    }
    this.#reply(tx, 200, { toTag: this.#callOf(inviteTx)?.localTag });
    this.#callOf(inviteTx)?.onCancel();
  }

  #callOf(tx: ServerInviteTransaction): UasCall | undefined {
    for (const call of this.#calls.values()) if (call.invite === tx.request) return call;
    return undefined;
  }

  #onResponse(res: SipResponse): void {
    const branch = res.vias[0]?.params.branch ?? '';
    if (res.cseq.method === 'INVITE') {
      const itx = this.#inviteTx.get(branch);
      // A 2xx retransmitted after its transaction ended goes to the dialog, which ACKs it again (§13.2.2.4).
      const call = itx ? undefined : this.#uacCalls.get(uacKey(res.callId, res.from.params.tag ?? ''));
      if (itx) itx.onResponse(res);
      else if (call && res.status >= 200 && res.status < 300) call.onStray2xx(res);
      else this.#strayResponses++;
      return;
    }
    // Our CANCEL shares its INVITE's branch, and outbound BYEs are keyed with their method too.
    const tx = this.#clientTx.get(`${branch}|${res.cseq.method}`) ?? (res.cseq.method === 'BYE' ? this.#clientTx.get(branch) : undefined);
    if (!tx) {
      this.#strayResponses++;
      return;
    }
    tx.onResponse(res);
  }

  #newServerTx(key: string, req: SipRequest, source: Endpoint): ServerTransaction {
    const host = {
      timers: this.#timers,
      sendRaw: (buf: Buffer, to: Endpoint) => this.#transport.send(buf, to),
      terminated: (k: string) => this.#serverTx.delete(k),
    };
    const tx = req.method === 'INVITE' ? new ServerInviteTransaction(key, req, source, host) : new ServerNonInviteTransaction(key, req, source, host);
    this.#serverTx.set(key, tx);
    return tx;
  }

  #reply(tx: ServerTransaction, status: number, opts: ResponseOptions = {}): void {
    // Final responses outside a dialog still need a To tag (§8.2.6.2); a random one is fine.
    const toTag = opts.toTag ?? (status > 100 ? randomToken() : undefined);
    // What the core answers itself (482, 481, 405, ...) goes to someone who has not authenticated: once,
    // resent only when the request is (non-INVITE transactions never retransmit on their own anyway).
    tx.respond(status, serialize(buildResponse(basisOf(tx.request), tx.source, status, { ...opts, toTag })), { retransmit: false });
  }

  #findDialog(req: SipRequest): UasCall | undefined {
    return this.#calls.get(dialogKey(req.callId, req.to.params.tag ?? '', req.from.params.tag ?? ''));
  }

  #sendRequest(buf: Buffer, to: Endpoint, branch: string): Promise<SipResponse | undefined> {
    const tx = new ClientNonInviteTransaction(branch, buf, to, {
      timers: this.#timers,
      sendRaw: (b, dest) => this.#transport.send(b, dest),
      terminated: (k) => this.#clientTx.delete(k),
    });
    this.#clientTx.set(branch, tx);
    tx.start();
    return tx.done;
  }

  /** An INVITE (a first one, or a re-INVITE in a dialog) in a new client INVITE transaction keyed by its branch. */
  #sendInvite(buf: Buffer, to: Endpoint, branch: string, user: InviteTransactionUser, ackFor: (res: SipResponse) => Buffer): void {
    const tx = new ClientInviteTransaction(
      branch,
      buf,
      to,
      { timers: this.#timers, sendRaw: (b, dest) => this.#transport.send(b, dest), terminated: (k) => this.#inviteTx.delete(k) },
      user,
      ackFor,
    );
    this.#inviteTx.set(branch, tx);
    tx.start();
  }

  /** `host:port` we advertise for a given request (Contact, our Via). */
  #advertised(req: SipRequest): string {
    const bound = this.#bound;
    let host = this.#opts.publicAddress;
    if (!host && bound && bound.address !== '0.0.0.0' && bound.address !== '::') host = bound.address;
    host ??= uriHostPort(req.uri)?.host ?? '127.0.0.1';
    const port = this.#opts.publicPort ?? bound?.port ?? 5060;
    return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
  }
}

function uacKey(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}

function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\n${localTag}\n${remoteTag}`;
}
