import { SIP_REALM } from '../digest-ha1.js';
import type { CallEnd, DigestCredentials, ReofferAnswer, ReplacesDialog, SipInboundCall } from '../backend.js';
import { awaitingFinal, checkRejectStatus, EndOnce, hangupInbound, type DigestRealm, type InboundCallState, InviteAuth } from '../call-common/index.js';
import type { InviteTransactionUser } from './client-invite-transaction.js';
import type { NonceIssuer } from './digest-auth.js';
import { type ReinviteResult, sendReinvite } from './reinvite.js';
import { parseNameAddr, uriHostPort, uriUser } from './header-values.js';
import { ALLOW, basisOf, buildResponse, type Endpoint, newBranch, type ResponseOptions, SERVER_NAME } from './responses.js';
import { parseReplaces } from './replaces.js';
import { sameMediaTarget } from './sdp-compare.js';
import { MIN_SESSION_EXPIRES, SUPPORTED_OPTIONS, sessionTimer, unsupportedRequired } from './session-options.js';
import type { ServerInviteTransaction, ServerNonInviteTransaction } from './server-transactions.js';
import { getHeader, getHeaders, type SipRequest, type SipResponse, serialize } from './sip-message.js';
import { after, type Cancel, retransmitUntil, type SipTimerConfig } from './sip-timers.js';

/** What a call needs from the SIP core that owns it. */
export interface UasCallOwner {
  readonly timers: SipTimerConfig;
  readonly nonces: NonceIssuer;
  sendRaw(buf: Buffer, to: Endpoint): void;
  /** Our Contact URI for this request (e.g. `sip:203.0.113.5:5060`). */
  contactUri(invite: SipRequest): string;
  /** Our Via sent-by (`host:port`). */
  sentBy(invite: SipRequest): string;
  /** Sends a non-INVITE request in a client transaction; resolves with the final response or undefined on timeout. */
  sendRequest(buf: Buffer, to: Endpoint, branch: string): Promise<SipResponse | undefined>;
  /** Sends an INVITE (our re-INVITE) in a client INVITE transaction keyed by its branch. */
  sendInvite(buf: Buffer, to: Endpoint, branch: string, user: InviteTransactionUser, ackFor: (res: SipResponse) => Buffer): void;
  /** Removes the call from the dialog table. */
  forget(call: UasCall): void;
  /** Counts a failed authentication from this address (SourceGuard). */
  authFailed(address: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * One inbound INVITE and the UAS dialog it may become (RFC 3261 §12, §13.3, §15): the
 * `InboundCall` the calls domain drives. One To tag from the first non-100 response to the end, so
 * the 183, the 200 and our BYE all belong to the same dialog. What it shares with drachtio's inbound
 * call (digest, end bookkeeping, hang-up rules) is in telephony/call-common.
 */
export class UasCall implements SipInboundCall {
  readonly callId: string;
  readonly source: Endpoint;
  readonly requestUri: string;
  readonly requestUser: string;
  readonly fromUser: string;
  readonly sdp: string | undefined;
  readonly credentials: DigestCredentials | undefined;
  /** Our To tag. */
  readonly localTag: string;
  /** The caller's From tag. */
  readonly remoteTag: string;
  /** The INVITE's Replaces (RFC 3891); the SIP core refuses an unreadable one (400) before this exists. */
  readonly replaces: ReplacesDialog | undefined;

  readonly #auth: InviteAuth;
  readonly #end: EndOnce;
  #state: InboundCallState = 'incoming';
  #answerSdp: string | undefined;
  /** The SDP an ACK brought: the answer to the offer in our 200 when the INVITE had none. */
  #ackSdp: string | undefined;
  #localCseq = 1;
  #remoteCseq: number;
  #cancel2xx: Cancel | undefined;
  #cancelReinvite2xx: Cancel | undefined;
  #reinviteCseq: number | undefined;
  #answerWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #pendingHangup: Array<() => void> = [];
  #cancelRingTimer: Cancel | undefined;
  /** Set once verifyDigest succeeded: until then a failure final is sent once, never retransmitted. */
  #authenticated = false;
  /** Takes re-INVITE and UPDATE offers (media/reoffer.ts); without it only refreshes are answered. */
  #reoffer: ((offerSdp: string) => ReofferAnswer) | undefined;

  constructor(
    readonly invite: SipRequest,
    source: Endpoint,
    localTag: string,
    private readonly tx: ServerInviteTransaction,
    private readonly host: UasCallOwner,
  ) {
    this.callId = invite.callId;
    this.source = { ...source };
    this.requestUri = invite.uri;
    this.requestUser = uriUser(invite.uri);
    this.fromUser = uriUser(invite.from.uri);
    this.localTag = localTag;
    this.remoteTag = invite.from.params.tag ?? '';
    const replaces = getHeader(invite, 'replaces');
    this.replaces = replaces === undefined ? undefined : parseReplaces(replaces);
    this.#remoteCseq = invite.cseq.seq;
    const ct = getHeader(invite, 'content-type');
    this.sdp = ct && /^application\/sdp\b/i.test(ct.trim()) && invite.body.length > 0 ? invite.body.toString('utf8') : undefined;
    this.#auth = new InviteAuth({
      authorizations: [...getHeaders(invite, 'authorization'), ...getHeaders(invite, 'proxy-authorization')],
      requestUri: this.requestUri,
      source: this.source.address,
      nonces: host.nonces,
      realm: SIP_REALM,
      authFailed: (address) => host.authFailed(address),
    });
    this.credentials = this.#auth.credentials;
    this.#end = new EndOnce((err) => host.warn({ err, callId: this.callId }, 'sip: onEnd listener threw'));
  }

  /** Current dialog state (for stats and tests). */
  get state(): InboundCallState {
    return this.#state;
  }

  /** Fails the INVITE with `status` if nothing final was sent within `ms` (a handler that never decides). */
  armRingTimer(ms: number, status: number): void {
    if (ms <= 0) return;
    this.#cancelRingTimer = after(ms, () => {
      if (!awaitingFinal(this.#state)) return;
      this.#finalFailure(status, {});
      this.#fireEnd({ by: 'system', cause: 'error', sipCode: status });
    });
  }

  verifyDigest(ha1: { md5: string; sha256: string }, realm?: string): boolean {
    const ok = this.#auth.verify(ha1, realm);
    if (ok) this.#authenticated = true;
    return ok;
  }

  get staleNonce(): boolean {
    return this.#auth.stale;
  }

  authFailed(): void {
    this.#auth.failed();
  }

  async challenge(asUser?: DigestRealm): Promise<void> {
    if (this.#state === 'terminated') return;
    this.#assertNoFinal();
    this.#finalFailure(401, { headers: this.#auth.challenge(asUser).map((v) => ['WWW-Authenticate', v] as [string, string]) });
  }

  async reject(status: number, reason?: string, headers?: Record<string, string>): Promise<void> {
    checkRejectStatus(status);
    if (this.#state === 'terminated') return;
    this.#assertNoFinal();
    this.#finalFailure(status, { reason, headers: Object.entries(headers ?? {}) });
  }

  async progress(answerSdp: string): Promise<void> {
    if (this.#state === 'terminated') return;
    this.#assertNoFinal();
    this.#answerSdp = answerSdp;
    this.#state = 'early';
    this.#respond(183, { headers: [['Contact', `<${this.host.contactUri(this.invite)}>`]], body: answerSdp });
  }

  answer(answerSdp: string): Promise<void> {
    if (this.#state === 'terminated') return Promise.reject(new Error('call already ended'));
    // Not an async function (the promise settles on the ACK), so misuse must still reject, not throw.
    try {
      this.#assertNoFinal();
    } catch (err) {
      return Promise.reject(err);
    }
    this.#cancelRingTimer?.();
    this.#answerSdp = answerSdp;
    this.#state = 'answering';
    const buf = this.#respond(200, { headers: this.#dialogHeaders(), body: answerSdp });
    return new Promise<void>((resolve, reject) => {
      this.#answerWaiter = { resolve, reject };
      // §13.3.1.4: the UAS core resends the 2xx until the ACK; no ACK in 64*T1 → BYE and give up.
      this.#cancel2xx = retransmitUntil(
        this.host.timers,
        () => this.host.sendRaw(buf, this.source),
        () => {
          this.#cancel2xx = undefined;
          this.#answerWaiter = undefined;
          reject(new Error('no ACK for 200 OK'));
          this.#fireEnd({ by: 'system', cause: 'error' });
          // §13.3.1.4: the dialog is confirmed for the purpose of ending it with a BYE.
          this.#state = 'confirmed';
          const pending = this.#pendingHangup;
          this.#pendingHangup = [];
          void this.#sendBye().then(() => runAll(pending));
        },
      );
    });
  }

  async answerWithOffer(offerSdp: string): Promise<string | undefined> {
    await this.answer(offerSdp);
    return this.#ackSdp;
  }

  hangup(): Promise<void> {
    return hangupInbound(this.#state, {
      fail: (status) => this.#finalFailure(status, {}),
      // #confirm (the ACK) or the 2xx timing out sends the BYE, then resolves this.
      afterAck: () => new Promise<void>((resolve) => this.#pendingHangup.push(resolve)),
      bye: () => this.#sendBye(),
    });
  }

  onEnd(listener: (end: CallEnd) => void): void {
    this.#end.listen(listener);
  }

  onReoffer(handler: (offerSdp: string) => ReofferAnswer): void {
    this.#reoffer = handler;
  }

  /** CANCEL for our INVITE (§9.2): 487 if no final was sent yet. The 200 to the CANCEL is the core's. */
  onCancel(): void {
    if (!awaitingFinal(this.#state)) return;
    this.#finalFailure(487, {});
    this.#fireEnd({ by: 'caller', cause: 'canceled', sipCode: 487 });
  }

  /** An ACK matching this dialog: confirms our 2xx (or the 2xx to a re-INVITE). */
  onAck(ack: SipRequest): void {
    if (this.#state === 'answering' && ack.cseq.seq === this.invite.cseq.seq) {
      const ct = getHeader(ack, 'content-type');
      if (ct && /^application\/sdp\b/i.test(ct.trim()) && ack.body.length > 0) this.#ackSdp = ack.body.toString('utf8');
      this.#confirm();
      return;
    }
    if (this.#reinviteCseq !== undefined && ack.cseq.seq === this.#reinviteCseq) {
      this.#cancelReinvite2xx?.();
      this.#cancelReinvite2xx = undefined;
      this.#reinviteCseq = undefined;
    }
  }

  /** An in-dialog request other than ACK/CANCEL, already given a server transaction by the core. */
  onRequest(req: SipRequest, tx: ServerInviteTransaction | ServerNonInviteTransaction): void {
    const reply = (status: number, opts: ResponseOptions = {}) => {
      const buf = serialize(buildResponse(basisOf(req), tx.source, status, { toTag: this.localTag, ...opts }));
      tx.respond(status, buf);
      return buf;
    };
    // §12.2.2: a CSeq lower than the last one is out of order.
    if (req.cseq.seq < this.#remoteCseq) {
      reply(500, { reason: 'Out Of Order CSeq' });
      return;
    }
    this.#remoteCseq = req.cseq.seq;
    // §8.2.2.3 inside the dialog too: a re-INVITE requiring 100rel gets 420, the call goes on.
    const unsupported = req.method === 'BYE' ? [] : unsupportedRequired(req);
    if (unsupported.length > 0) {
      reply(420, { headers: [['Unsupported', unsupported.join(', ')]] });
      return;
    }
    switch (req.method) {
      case 'BYE': {
        reply(200);
        const wasEarly = awaitingFinal(this.#state);
        // §15.1.2: a BYE on an early dialog ends the INVITE with 487.
        if (wasEarly) this.#finalFailure(487, {});
        else if (this.#state === 'answering') this.#confirm(); // the BYE proves our 200 arrived
        this.#terminate();
        this.#fireEnd({ by: 'caller', cause: 'normal' });
        return;
      }
      case 'INVITE':
        this.#onReinvite(req, reply);
        return;
      case 'UPDATE':
        this.#onUpdate(req, reply);
        return;
      case 'OPTIONS':
        reply(200, { headers: [['Allow', UAS_ALLOW]] });
        return;
      default:
        reply(501, { headers: [['Allow', UAS_ALLOW]] });
    }
  }

  /** The handler failed: 500 if nothing final was sent, else BYE; the call ends as a system error. */
  failFromHandler(): void {
    if (this.#state === 'terminated') return;
    if (awaitingFinal(this.#state)) this.#finalFailure(500, {});
    else void this.hangup();
    this.#fireEnd({ by: 'system', cause: 'error', sipCode: 500 });
  }

  /** Ends everything now without network traffic beyond one best-effort message (shutdown). */
  shutdown(): void {
    if (awaitingFinal(this.#state)) this.#finalFailure(503, {});
    else if (this.#state === 'answering' || this.#state === 'confirmed') {
      this.#cancel2xx?.();
      const waiter = this.#answerWaiter;
      this.#answerWaiter = undefined;
      waiter?.reject(new Error('SIP stack stopped'));
      this.#state = 'confirmed';
      void this.#sendBye();
    }
    this.#terminate();
    this.#fireEnd({ by: 'system', cause: 'error' });
  }

  #onReinvite(req: SipRequest, reply: (status: number, opts?: ResponseOptions) => Buffer): void {
    if (this.#state !== 'confirmed' || this.#reinviteCseq !== undefined) {
      reply(491); // §14.2: an offer while ours is still pending
      return;
    }
    const answered = this.#takeOffer(req, reply);
    if (!answered) return;
    const buf = reply(200, { headers: this.#dialogHeaders(req), body: this.#answerSdp ?? '' });
    this.#reinviteCseq = req.cseq.seq;
    this.#cancelReinvite2xx = retransmitUntil(
      this.host.timers,
      () => this.host.sendRaw(buf, this.source),
      () => {
        this.#cancelReinvite2xx = undefined;
        this.#reinviteCseq = undefined;
      },
    );
  }

  /**
   * The offer a re-INVITE or UPDATE carries, taken (RFC 3264 §8): hold, resume, a new address or a codec
   * check go to the media's handler, whose answer becomes our SDP. Without a handler only a refresh (the
   * same media target) is answered, with our unchanged SDP. After a delayed offer the caller's SDP is the
   * answer its ACK brought. Refused offers get 488 and the old session stays (§14.2). False when a
   * response was sent here.
   */
  #takeOffer(req: SipRequest, reply: (status: number, opts?: ResponseOptions) => Buffer): boolean {
    if (sessionTimer(req).kind === 'too-small') {
      reply(422, { headers: [['Min-SE', String(MIN_SESSION_EXPIRES)]] });
      return false;
    }
    const ct = getHeader(req, 'content-type');
    const offer = ct && /^application\/sdp\b/i.test(ct.trim()) && req.body.length > 0 ? req.body.toString('utf8') : undefined;
    if (offer === undefined) return true;
    if (this.#reoffer) {
      const answer = this.#reoffer(offer);
      if (!answer.ok) {
        reply(answer.status, { reason: answer.reason.slice(0, 100).replace(/[\r\n]/g, ' ') });
        return false;
      }
      this.#answerSdp = answer.answerSdp;
      return true;
    }
    const theirs = this.sdp ?? this.#ackSdp;
    if (theirs === undefined || !sameMediaTarget(theirs, offer)) {
      reply(488);
      return false;
    }
    return true;
  }

  /** RFC 3311 UPDATE on a confirmed dialog: an offer (hold, new address) or a session refresh; no ACK follows. */
  #onUpdate(req: SipRequest, reply: (status: number, opts?: ResponseOptions) => Buffer): void {
    if (this.#state !== 'confirmed') {
      // Early-dialog UPDATEs would need PRACK-style offer tracking we do not do.
      reply(this.#state === 'answering' ? 491 : 481);
      return;
    }
    if (this.#reinviteCseq !== undefined) {
      reply(491);
      return;
    }
    if (!this.#takeOffer(req, reply)) return;
    const ct = getHeader(req, 'content-type');
    const hadOffer = ct && /^application\/sdp\b/i.test(ct.trim()) && req.body.length > 0;
    reply(200, { headers: this.#dialogHeaders(req), ...(hadOffer ? { body: this.#answerSdp ?? '' } : {}) });
  }

  #confirm(): void {
    this.#cancel2xx?.();
    this.#cancel2xx = undefined;
    this.#state = 'confirmed';
    const waiter = this.#answerWaiter;
    this.#answerWaiter = undefined;
    waiter?.resolve();
    const pending = this.#pendingHangup;
    this.#pendingHangup = [];
    if (pending.length > 0) void this.#sendBye().then(() => runAll(pending));
  }

  /** Headers of our 2xx to `req` (the INVITE, or a re-INVITE/UPDATE): Contact, Allow, the session timer. */
  #dialogHeaders(req: SipRequest = this.invite): Array<[string, string]> {
    const h: Array<[string, string]> = [
      ['Contact', `<${this.host.contactUri(this.invite)}>`],
      ['Allow', UAS_ALLOW],
      ['Supported', [...SUPPORTED_OPTIONS].join(', ')],
    ];
    const timer = sessionTimer(req);
    if (timer.kind === 'accept') h.push(...timer.headers);
    // §12.1.1: the UAS copies Record-Route into dialog-creating responses.
    if (req === this.invite) for (const rr of getHeaders(this.invite, 'record-route')) h.push(['Record-Route', rr]);
    return h;
  }

  #assertNoFinal(): void {
    if (this.tx.finalSent || this.#state === 'answering' || this.#state === 'confirmed') throw new Error('a final response was already sent for this call');
  }

  #respond(status: number, opts: ResponseOptions, retransmit = true): Buffer {
    const buf = serialize(buildResponse(basisOf(this.invite), this.source, status, { toTag: this.localTag, ...opts }));
    this.tx.respond(status, buf, { retransmit });
    return buf;
  }

  #finalFailure(status: number, opts: ResponseOptions): void {
    // To a caller that has not authenticated, a failure goes out once (a retransmitted INVITE still gets
    // it again): resending it on Timer G made each spoofed, never-ACKed INVITE draw a dozen datagrams.
    this.#respond(status, opts, this.#authenticated);
    this.#terminate();
  }

  /** Sends BYE in the dialog (§15.1.1) and forgets it; resolves when answered or timed out. */
  async #sendBye(): Promise<void> {
    if (this.#state !== 'confirmed') return;
    this.#terminate();
    const branch = newBranch();
    const buf = this.#inDialog('BYE', `${this.#localCseq++} BYE`, branch);
    const res = await this.host.sendRequest(buf, this.#byeDestination(getHeaders(this.invite, 'record-route')), branch);
    if (!res) this.host.warn({ callId: this.callId }, 'sip: BYE got no response');
  }

  /**
   * Sends a re-INVITE with `offerSdp` on the answered call (a phone's hold with `a=sendonly`, its resume
   * with `a=sendrecv`) and ACKs its 2xx; resolves with the final status and the SDP answer. 481 without
   * sending anything when the call is not established.
   */
  async reinvite(offerSdp: string): Promise<ReinviteResult> {
    if (this.#state !== 'confirmed') return { status: 481, reason: 'the call is not established', sdp: undefined };
    const cseq = this.#localCseq++;
    const destination = this.#byeDestination(getHeaders(this.invite, 'record-route'));
    const result = await sendReinvite(this.host, destination, (method, branch, sdp) => this.#inDialog(method, `${cseq} ${method}`, branch, sdp), offerSdp);
    if (result.status >= 200 && result.status < 300) this.#answerSdp = offerSdp;
    return result;
  }

  /** A request of ours in the dialog (BYE, a re-INVITE and its ACK): to the caller's Contact, through the route set. */
  #inDialog(method: string, cseq: string, branch: string, sdp?: string): Buffer {
    const routes = getHeaders(this.invite, 'record-route');
    const contact = parseNameAddr(getHeader(this.invite, 'contact') ?? '');
    const target = contact?.uri ?? this.invite.from.uri;
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP ${this.host.sentBy(this.invite)};branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', `${getHeader(this.invite, 'to')!};tag=${this.localTag}`],
      ['To', getHeader(this.invite, 'from')!],
      ['Call-ID', this.callId],
      ['CSeq', cseq],
    ];
    for (const r of routes) headers.push(['Route', r]);
    headers.push(['User-Agent', SERVER_NAME]);
    if (method === 'INVITE') headers.push(['Contact', `<${this.host.contactUri(this.invite)}>`], ['Allow', UAS_ALLOW]);
    if (sdp === undefined) return serialize({ startLine: `${method} ${target} SIP/2.0`, headers });
    headers.push(['Content-Type', 'application/sdp']);
    return serialize({ startLine: `${method} ${target} SIP/2.0`, headers, body: sdp });
  }

  /**
   * Where our in-dialog requests go: the first Route hop when it is an IP literal, else the INVITE's
   * UDP source. Customer PBXs behind NAT often advertise private Contacts, while the source is where
   * their signalling demonstrably reaches us (trunks are authorised by static IP, so no DNS here).
   */
  #byeDestination(routes: string[]): Endpoint {
    const first = routes[0] ? parseNameAddr(routes[0]) : undefined;
    const hp = first ? uriHostPort(first.uri) : undefined;
    if (hp && /^[0-9.]+$|:/.test(hp.host)) return { address: hp.host, port: hp.port ?? 5060 };
    return this.source;
  }

  #terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#cancelRingTimer?.();
    this.#cancel2xx?.();
    this.#cancelReinvite2xx?.();
    this.host.forget(this);
  }

  #fireEnd(end: CallEnd): void {
    this.#end.fire(end);
  }
}

/** What an inbound dialog answers besides the core's methods: UPDATE (RFC 3311) for offers and refreshes. */
const UAS_ALLOW = `${ALLOW}, UPDATE`;

function runAll(fns: Array<() => void>): void {
  for (const f of fns) f();
}
