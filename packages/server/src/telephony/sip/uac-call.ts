import type { CallEnd, DialFailure, DialFailureCause, ReofferAnswer, TransferDecision, TransferHandler } from '../backend.js';
import { EndOnce } from '../call-common/end-once.js';
import type { InviteTransactionUser } from './client-invite-transaction.js';
import { digestAuthorization, pickChallenge } from './digest-client.js';
import { parseNameAddr, uriHostPort } from './header-values.js';
import { ALLOW, basisOf, buildResponse, type Endpoint, newBranch, randomToken, SERVER_NAME } from './responses.js';
import { parseRefer, sipfrag } from './refer.js';
import type { ServerInviteTransaction, ServerNonInviteTransaction } from './server-transactions.js';
import { type ReinviteResult, sendReinvite } from './reinvite.js';
import { getHeader, getHeaders, type SipRequest, type SipResponse, serialize } from './sip-message.js';
import { after, type Cancel, type SipTimerConfig } from './sip-timers.js';

/** What an outbound call needs from the SIP core that owns it. */
export interface UacHost {
  readonly timers: SipTimerConfig;
  /** Our Via sent-by and Contact host (`host:port`). */
  readonly sentBy: string;
  sendRaw(buf: Buffer, to: Endpoint): void;
  /** Sends an INVITE in a new client INVITE transaction keyed by its branch. */
  sendInvite(buf: Buffer, to: Endpoint, branch: string, user: InviteTransactionUser, ackFor: (res: SipResponse) => Buffer): void;
  /** Sends a non-INVITE request (CANCEL, BYE) in a client transaction; resolves with the final response or undefined. */
  sendRequest(buf: Buffer, to: Endpoint, key: string): Promise<SipResponse | undefined>;
  /** Removes the call from the dialog table. */
  forget(call: UacCall): void;
  /** Destroys the INVITE client transaction with this branch (a CANCEL nobody answered, §9.1). */
  dropInvite(branch: string): void;
  warn(obj: object, msg: string): void;
}

/** What to call and how (the SIP part of the backend's DialOptions, plus our SDP offer). */
export interface UacOptions {
  callId: string;
  requestUri: string;
  destination: Endpoint;
  fromUser: string;
  sdp: string;
  ringTimeoutMs: number;
  credentials?: { username: string; password: string } | undefined;
}

/** The INVITE's outcome at the SIP level: the far end's SDP answer, or the final failure. */
export type UacOutcome = { ok: true; sdp: string | undefined } | DialFailure;

type State = 'calling' | 'early' | 'confirmed' | 'terminated';

/**
 * One outbound INVITE and the UAC dialog it becomes (RFC 3261 §12.1.2, §13.2, §15): the Request-URI
 * carries the full number (terms 5.2), a 401/407 is answered once with digest credentials, the ring
 * timeout or a hangup before the answer sends CANCEL (only after a provisional, §9.1), a 2xx is ACKed
 * by us (and re-ACKed when retransmitted), and BYE works in both directions.
 */
export class UacCall {
  readonly callId: string;
  readonly localTag = randomToken();
  readonly outcome: Promise<UacOutcome>;
  remoteTag: string | undefined;

  #state: State = 'calling';
  #resolve!: (o: UacOutcome) => void;
  #settled = false;
  #cseq = 1;
  /** The CSeq of our (last) INVITE: in-dialog NOTIFYs move #cseq on, a retransmitted 2xx still matches this. */
  #inviteCseq = 1;
  #branch = '';
  #authHeader: [string, string] | undefined;
  #authTried = false;
  #provisional = false;
  #cancelWanted: 'hangup' | 'timeout' | undefined;
  #cancelSent = false;
  #routeSet: string[] = [];
  #remoteTarget: string;
  #remoteTo: string | undefined;
  #ack: Buffer | undefined;
  #timers: Cancel[] = [];
  #progress: Array<(status: number) => void> = [];
  readonly #end: EndOnce;
  /** Takes the callee's re-INVITE and UPDATE offers (media/reoffer.ts); without it only refreshes pass. */
  #reoffer: ((offerSdp: string) => ReofferAnswer) | undefined;
  /** Our current SDP: the offer, then each answer to a re-offer. */
  #localSdp: string;
  /** Takes the callee's REFER (calls/transfer.ts); without it a REFER gets 501. */
  #transfer: TransferHandler | undefined;
  /** A REFER accepted and not yet finally reported: another one waits (491). */
  #referring = false;

  constructor(
    private readonly opts: UacOptions,
    private readonly host: UacHost,
  ) {
    this.callId = opts.callId;
    this.#end = new EndOnce((err) => host.warn({ err, callId: this.callId }, 'sip: onEnd listener threw'));
    this.#remoteTarget = opts.requestUri;
    this.#localSdp = opts.sdp;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get state(): State {
    return this.#state;
  }

  /** Sends the INVITE and arms the ring timeout. */
  start(): void {
    this.#sendInvite();
    if (this.opts.ringTimeoutMs > 0) this.#timers.push(after(this.opts.ringTimeoutMs, () => this.#cancel('timeout')));
  }

  onProgress(listener: (status: number) => void): void {
    this.#progress.push(listener);
  }

  onEnd(listener: (end: CallEnd) => void): void {
    this.#end.listen(listener);
  }

  onReoffer(handler: (offerSdp: string) => ReofferAnswer): void {
    this.#reoffer = handler;
  }

  onTransfer(handler: TransferHandler): void {
    this.#transfer = handler;
  }

  /** CANCEL before the answer, BYE after it; resolves when that is done (or has timed out). */
  async hangup(): Promise<void> {
    if (this.#state === 'calling' || this.#state === 'early') {
      this.#cancel('hangup');
      await this.outcome;
      return;
    }
    if (this.#state === 'confirmed') await this.#sendBye();
  }

  /** A 2xx that reached no transaction: a retransmission of the one we ACKed (§13.2.2.4), or one that raced our CANCEL. */
  onStray2xx(res: SipResponse): void {
    if (res.cseq.seq !== this.#cseqOfInvite()) return;
    if (this.#ack && res.to.params.tag === this.remoteTag) this.host.sendRaw(this.#ack, this.#inDialogDestination());
  }

  /** An in-dialog request from the far end (its To tag is our From tag). */
  onRequest(req: SipRequest, tx: ServerInviteTransaction | ServerNonInviteTransaction): void {
    const reply = (status: number) => tx.respond(status, serialize(buildResponse(basisOf(req), tx.source, status, { headers: [['Allow', ALLOW]] })));
    switch (req.method) {
      case 'BYE':
        if (this.#state !== 'confirmed') {
          reply(481);
          return;
        }
        reply(200);
        this.#terminate();
        this.#fireEnd({ by: 'callee', cause: 'normal' });
        return;
      case 'OPTIONS':
        reply(200);
        return;
      case 'INVITE':
      case 'UPDATE':
        this.#onReoffer(req, tx);
        return;
      case 'REFER':
        void this.#onRefer(req, tx);
        return;
      default:
        reply(501);
    }
  }

  /**
   * The callee's REFER (RFC 3515): refused with the handler's status (or 501 without one, 403 before the
   * answer, 491 while another runs), else 202 and NOTIFY `SIP/2.0 100 Trying`, then the final sipfrag
   * once the new leg answers or fails. On success the transferor's dialog ends with our BYE after that
   * NOTIFY; on failure it stays, so the parties can go on talking (§2.4.5 leaves it to them).
   */
  async #onRefer(req: SipRequest, tx: ServerInviteTransaction | ServerNonInviteTransaction): Promise<void> {
    const respond = (status: number, reason?: string) =>
      tx.respond(status, serialize(buildResponse(basisOf(req), tx.source, status, reason ? { reason: reason.slice(0, 100).replace(/[\r\n]/g, ' ') } : {})));
    if (this.#state !== 'confirmed') return respond(this.#state === 'terminated' ? 481 : 403);
    const handler = this.#transfer;
    if (!handler) return respond(501);
    const parsed = parseRefer(req);
    if (!parsed.ok) return respond(parsed.status, parsed.reason);
    if (this.#referring) return respond(491);
    this.#referring = true;
    try {
      let decision: TransferDecision;
      try {
        decision = await handler(parsed.request);
      } catch (err) {
        this.host.warn({ err, callId: this.callId }, 'sip: the REFER handler threw');
        return respond(500);
      }
      if (!decision.accept) return respond(decision.status, decision.reason);
      respond(202);
      await this.#notify(sipfrag(100, 'Trying'), 'active;expires=60');
      const final = await decision.outcome.catch(() => ({ status: 500, reason: 'Server Internal Error' }));
      await this.#notify(sipfrag(final.status, final.reason), 'terminated;reason=noresource');
      if (final.status >= 200 && final.status < 300) await this.#sendBye();
    } finally {
      this.#referring = false;
    }
  }

  /** NOTIFY in the dialog for the implicit refer subscription (RFC 3515 §2.4.4); resolves when answered. */
  async #notify(body: string, subscriptionState: string): Promise<void> {
    if (this.#state !== 'confirmed') return;
    const branch = newBranch();
    const buf = this.#inDialog('NOTIFY', `${++this.#cseq} NOTIFY`, branch, {
      headers: [
        ['Event', 'refer'],
        ['Subscription-State', subscriptionState],
        ['Contact', `<sip:${this.host.sentBy}>`],
        ['Content-Type', 'message/sipfrag;version=2.0'],
      ],
      body,
    });
    const res = await this.host.sendRequest(buf, this.#inDialogDestination(), `${branch}|NOTIFY`);
    if (!res) this.host.warn({ callId: this.callId }, 'sip: NOTIFY got no response');
  }

  /**
   * The callee's re-INVITE or UPDATE (hold, resume, moved media): its offer goes to the media's handler
   * and our 200 carries the answer; without an offer (a refresh, or a re-INVITE asking for our offer) the
   * 200 carries our current SDP. No handler, or an offer it refuses: 488, the session stays (§14.2).
   * The 200 goes out once (the caller's INVITE retransmissions get it again from the transaction);
   * the ACK that follows needs nothing from us.
   */
  #onReoffer(req: SipRequest, tx: ServerInviteTransaction | ServerNonInviteTransaction): void {
    const respond = (status: number, extra: { headers?: Array<[string, string]>; body?: string; reason?: string } = {}) =>
      tx.respond(
        status,
        serialize(buildResponse(basisOf(req), tx.source, status, { ...extra, headers: [['Allow', UAC_ALLOW], ...(extra.headers ?? [])] })),
      );
    if (this.#state !== 'confirmed') {
      respond(req.method === 'INVITE' ? 491 : 481);
      return;
    }
    const ct = getHeader(req, 'content-type');
    const offer = ct && /^application\/sdp\b/i.test(ct.trim()) && req.body.length > 0 ? req.body.toString('utf8') : undefined;
    if (offer !== undefined) {
      const answer = this.#reoffer?.(offer) ?? { ok: false as const, status: 488, reason: 'media changes are not followed on this call' };
      if (!answer.ok) {
        respond(answer.status, { reason: answer.reason.slice(0, 100).replace(/[\r\n]/g, ' ') });
        return;
      }
      this.#localSdp = answer.answerSdp;
    }
    const contact: Array<[string, string]> = [['Contact', `<sip:${this.host.sentBy}>`]];
    if (req.method === 'UPDATE' && offer === undefined) respond(200, { headers: contact });
    else respond(200, { headers: contact, body: this.#localSdp });
  }

  /**
   * Sends a re-INVITE with `offerSdp` on the established call (a phone's hold with `a=sendonly`, its
   * resume with `a=sendrecv`) and ACKs its 2xx; resolves with the final status and the SDP answer.
   * 481 without sending anything when the call is not established.
   */
  async reinvite(offerSdp: string): Promise<ReinviteResult> {
    if (this.#state !== 'confirmed') return { status: 481, reason: 'the call is not established', sdp: undefined };
    const cseq = ++this.#cseq;
    const result = await sendReinvite(
      this.host,
      this.#inDialogDestination(),
      (method, branch, sdp) => this.#inDialog(method, `${cseq} ${method}`, branch, sdp === undefined ? {} : { sdp }),
      offerSdp,
    );
    if (result.status >= 200 && result.status < 300) this.#localSdp = offerSdp;
    return result;
  }

  /** Ends everything at once, one best-effort message (shutdown). */
  shutdown(): void {
    if (this.#state === 'confirmed') void this.#sendBye();
    else if (this.#state !== 'terminated' && this.#provisional) this.#sendCancel();
    this.#settle({ ok: false, status: 503, reason: 'SIP stack stopped', local: true, cause: 'stopped' });
    this.#terminate();
    this.#fireEnd({ by: 'system', cause: 'error' });
  }

  #cseqOfInvite(): number {
    return this.#inviteCseq;
  }

  #sendInvite(): void {
    this.#branch = newBranch();
    this.#inviteCseq = this.#cseq;
    const headers = this.#baseHeaders(this.#branch, `${this.#cseq} INVITE`);
    headers.push(['Contact', `<sip:${this.host.sentBy}>`], ['Allow', ALLOW], ['User-Agent', SERVER_NAME]);
    if (this.#authHeader) headers.push(this.#authHeader);
    headers.push(['Content-Type', 'application/sdp']);
    const buf = serialize({ startLine: `INVITE ${this.opts.requestUri} SIP/2.0`, headers, body: this.opts.sdp });
    const user: InviteTransactionUser = {
      onResponse: (res) => this.#onResponse(res),
      onTimeout: () => this.#fail(408, 'no response to the INVITE', true, 'no_response'),
    };
    this.host.sendInvite(buf, this.opts.destination, this.#branch, user, (res) => this.#ackForFailure(res));
  }

  /** Via, Max-Forwards, From, To (without a tag), Call-ID and CSeq of the INVITE, its CANCEL and its non-2xx ACK. */
  #baseHeaders(branch: string, cseq: string, to = `<${this.opts.requestUri}>`): Array<[string, string]> {
    const host = this.host.sentBy.replace(/:\d+$/, '');
    return [
      ['Via', `SIP/2.0/UDP ${this.host.sentBy};branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:${this.opts.fromUser}@${host}>;tag=${this.localTag}`],
      ['To', to],
      ['Call-ID', this.callId],
      ['CSeq', cseq],
    ];
  }

  #ackForFailure(res: SipResponse): Buffer {
    const to = getHeader(res, 'to') ?? `<${this.opts.requestUri}>`;
    return serialize({ startLine: `ACK ${this.opts.requestUri} SIP/2.0`, headers: this.#baseHeaders(this.#branch, `${this.#cseq} ACK`, to) });
  }

  #onResponse(res: SipResponse): void {
    if (res.status < 200) {
      if (res.status === 100) return;
      if (!this.#provisional) this.#provisional = true;
      if (this.#state === 'calling') this.#state = 'early';
      if (res.to.params.tag) this.remoteTag = res.to.params.tag;
      if (this.#cancelWanted && !this.#cancelSent) this.#sendCancel();
      for (const l of this.#progress) l(res.status);
      return;
    }
    if (res.status < 300) {
      this.#onAnswer(res);
      return;
    }
    if ((res.status === 401 || res.status === 407) && this.opts.credentials && !this.#authTried && !this.#cancelWanted) {
      const header = res.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
      const challenge = pickChallenge(getHeaders(res, header));
      if (challenge) {
        this.#authTried = true;
        this.#authHeader = [
          res.status === 401 ? 'Authorization' : 'Proxy-Authorization',
          digestAuthorization(challenge, this.opts.credentials, 'INVITE', this.opts.requestUri),
        ];
        this.#cseq++;
        this.#provisional = false;
        this.#state = 'calling';
        this.#sendInvite();
        return;
      }
    }
    if (res.status === 487 && this.#cancelWanted) {
      const timeout = this.#cancelWanted === 'timeout';
      this.#fail(timeout ? 408 : 487, timeout ? 'no answer within the ring timeout' : 'cancelled', true, timeout ? 'ring_timeout' : 'canceled');
      return;
    }
    this.#fail(res.status, res.reason, false);
  }

  #onAnswer(res: SipResponse): void {
    if (this.#state === 'confirmed' || this.#state === 'terminated') {
      this.onStray2xx(res);
      return;
    }
    this.remoteTag = res.to.params.tag ?? '';
    this.#remoteTo = getHeader(res, 'to');
    // §12.1.2: the route set is the Record-Route in reverse; the remote target the Contact.
    this.#routeSet = getHeaders(res, 'record-route').reverse();
    const contact = parseNameAddr(getHeader(res, 'contact') ?? '');
    if (contact) this.#remoteTarget = contact.uri;
    this.#state = 'confirmed';
    this.#ack = this.#inDialog('ACK', `${this.#cseq} ACK`);
    this.host.sendRaw(this.#ack, this.#inDialogDestination());
    for (const c of this.#timers) c();
    this.#timers = [];
    if (this.#cancelWanted) {
      // Our CANCEL crossed the 200: the call exists, so end it with BYE (§9.1).
      const timeout = this.#cancelWanted === 'timeout';
      this.#settle({ ok: false, status: timeout ? 408 : 487, reason: 'cancelled', local: true, cause: timeout ? 'ring_timeout' : 'canceled' });
      void this.#sendBye();
      return;
    }
    const ct = getHeader(res, 'content-type');
    const sdp = ct && /^application\/sdp\b/i.test(ct.trim()) && res.body.length > 0 ? res.body.toString('utf8') : undefined;
    this.#settle({ ok: true, sdp });
  }

  #cancel(why: 'hangup' | 'timeout'): void {
    if (this.#state !== 'calling' && this.#state !== 'early') return;
    if (this.#cancelWanted) return;
    this.#cancelWanted = why;
    // §9.1: no CANCEL before a provisional; it goes out with the first one.
    if (this.#provisional) this.#sendCancel();
    // No final within 64*T1 after the CANCEL: give the INVITE up and destroy its transaction (§9.1),
    // which after a provisional has no timer left to end it and would stay in the table for ever.
    this.#timers.push(
      after(64 * this.host.timers.t1, () => {
        this.#fail(why === 'timeout' ? 408 : 487, 'no answer to CANCEL', true, why === 'timeout' ? 'ring_timeout' : 'canceled');
        this.host.dropInvite(this.#branch);
      }),
    );
  }

  #sendCancel(): void {
    this.#cancelSent = true;
    const buf = serialize({ startLine: `CANCEL ${this.opts.requestUri} SIP/2.0`, headers: this.#baseHeaders(this.#branch, `${this.#cseq} CANCEL`) });
    void this.host.sendRequest(buf, this.opts.destination, `${this.#branch}|CANCEL`);
  }

  /** An in-dialog request (ACK, BYE, NOTIFY, a re-INVITE with its offer): to the remote target, through the route set. */
  #inDialog(method: string, cseq: string, branch = newBranch(), extra: { headers?: Array<[string, string]>; body?: string; sdp?: string } = {}): Buffer {
    const host = this.host.sentBy.replace(/:\d+$/, '');
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP ${this.host.sentBy};branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:${this.opts.fromUser}@${host}>;tag=${this.localTag}`],
      ['To', this.#remoteTo ?? `<${this.opts.requestUri}>;tag=${this.remoteTag}`],
      ['Call-ID', this.callId],
      ['CSeq', cseq],
    ];
    for (const r of this.#routeSet) headers.push(['Route', r]);
    headers.push(['User-Agent', SERVER_NAME], ...(extra.headers ?? []));
    if (method === 'INVITE') headers.push(['Contact', `<sip:${this.host.sentBy}>`], ['Allow', UAC_ALLOW]);
    if (extra.sdp !== undefined) {
      headers.push(['Content-Type', 'application/sdp']);
      return serialize({ startLine: `${method} ${this.#remoteTarget} SIP/2.0`, headers, body: extra.sdp });
    }
    return serialize({ startLine: `${method} ${this.#remoteTarget} SIP/2.0`, headers, ...(extra.body !== undefined ? { body: extra.body } : {}) });
  }

  /**
   * Where in-dialog requests go: the first Route hop when it is an IP literal, else where the INVITE
   * went (the carrier or the PBX). Like the UAS side, no DNS: trunks and carriers are static addresses.
   */
  #inDialogDestination(): Endpoint {
    const first = this.#routeSet[0] ? parseNameAddr(this.#routeSet[0]) : undefined;
    const hp = first ? uriHostPort(first.uri) : undefined;
    if (hp && /^[0-9.]+$|:/.test(hp.host)) return { address: hp.host, port: hp.port ?? 5060 };
    return this.opts.destination;
  }

  async #sendBye(): Promise<void> {
    if (this.#state !== 'confirmed') return;
    this.#terminate();
    const branch = newBranch();
    const buf = this.#inDialog('BYE', `${++this.#cseq} BYE`, branch);
    const res = await this.host.sendRequest(buf, this.#inDialogDestination(), `${branch}|BYE`);
    if (!res) this.host.warn({ callId: this.callId }, 'sip: BYE got no response');
  }

  #fail(status: number, reason: string, local: boolean, cause?: DialFailureCause): void {
    if (this.#state === 'terminated' || this.#state === 'confirmed') return;
    this.#settle({ ok: false, status, reason, local, ...(cause ? { cause } : {}) });
    this.#terminate();
  }

  #settle(o: UacOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(o);
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    for (const c of this.#timers) c();
    this.#timers = [];
    this.host.forget(this);
  }

  #fireEnd(end: CallEnd): void {
    this.#end.fire(end);
  }
}

/** What an outbound dialog answers besides the core's methods: UPDATE (RFC 3311) for offers and refreshes. */
const UAC_ALLOW = `${ALLOW}, UPDATE, REFER`;
