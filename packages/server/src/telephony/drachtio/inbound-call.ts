import { SIP_REALM } from '../digest-ha1.js';
import type { CallEnd, DigestCredentials, SipInboundCall } from '../backend.js';
import { awaitingFinal, checkRejectStatus, EndOnce, hangupInbound, type DigestRealm, type InboundCallState, InviteAuth } from '../call-common/index.js';
import type { NonceIssuer } from '../sip/digest-auth.js';
import { uriUser } from '../sip/header-values.js';
import { answerDialogRequests, relayDialogOffers } from './dialog-requests.js';
import type { SrfDialog, SrfLike, SrfRequest, SrfResponse } from './srf-types.js';

/**
 * One INVITE delivered by drachtio-server, seen as the calls domain's InboundCall. drachtio-server
 * owns the SIP transactions (retransmissions, 100 Trying, the 487 after a CANCEL, the 2xx resent
 * until ACK), so this class only maps the calls domain's decisions onto drachtio-srf responses and
 * dialogs, and keeps the same state rules as the embedded UAS (one final response, BYE only after
 * the ACK, a far-end end reported once: telephony/call-common holds what the two share).
 */

export interface InboundCallDeps {
  srf: SrfLike;
  nonces: NonceIssuer;
  /** Realm of our challenges; stored HA1s are computed for it, so it is SIP_REALM unless they are too. */
  realm: string;
  /** How long answer() waits for the ACK before giving up (drachtio-server resends the 2xx meanwhile). */
  ackTimeoutMs: number;
  /** Counts a failed authentication from this address (SourceGuard). */
  authFailed?(address: string): void;
  warn(obj: object, msg?: string): void;
}

export class DrachtioInboundCall implements SipInboundCall {
  readonly callId: string;
  readonly source: { address: string; port: number };
  readonly requestUri: string;
  readonly requestUser: string;
  readonly fromUser: string;
  readonly fromTag: string;
  readonly sdp: string | undefined;
  readonly credentials: DigestCredentials | undefined;

  readonly #req: SrfRequest;
  readonly #res: SrfResponse;
  readonly #deps: InboundCallDeps;
  readonly #auth: InviteAuth;
  readonly #end: EndOnce;
  #state: InboundCallState = 'incoming';
  #dialog: SrfDialog | undefined;
  #ack: Promise<void> | undefined;
  #relay: ((offer: string) => Promise<string>) | undefined;
  #localSdp: string | undefined;
  #ackSdp: string | undefined;

  constructor(req: SrfRequest, res: SrfResponse, deps: InboundCallDeps) {
    this.#req = req;
    this.#res = res;
    this.#deps = deps;
    this.callId = req.get('Call-ID') ?? '';
    this.source = { address: req.source_address, port: Number(req.source_port) };
    this.requestUri = req.uri;
    const from = req.getParsedHeader('from');
    this.fromTag = from.params.tag ?? '';
    this.fromUser = uriUser(from.uri);
    // Routed on the Request-URI, never the To header (which the caller may set to anything).
    this.requestUser = uriUser(req.uri);
    this.sdp = req.body ? req.body : undefined;
    this.#auth = new InviteAuth({
      authorizations: [req.get('Authorization'), req.get('Proxy-Authorization')].filter((v): v is string => v !== undefined),
      requestUri: this.requestUri,
      source: this.source.address,
      nonces: deps.nonces,
      realm: deps.realm,
      ...(deps.authFailed ? { authFailed: deps.authFailed } : {}),
    });
    this.credentials = this.#auth.credentials;
    this.#end = new EndOnce((err) => deps.warn({ err, callId: this.callId }, 'drachtio: onEnd listener threw'));
    // drachtio-server has already answered the CANCEL and sent 487 to the INVITE; we only record it.
    req.on('cancel', () => {
      if (!awaitingFinal(this.#state)) return;
      this.#state = 'terminated';
      this.#fireEnd({ by: 'caller', cause: 'canceled', sipCode: 487 });
    });
  }

  /** Where a new offer in the dialog goes (the call's media relay); it returns the SDP our 200 carries. */
  relayOffers(relay: (offer: string) => Promise<string>): void {
    this.#relay = relay;
  }

  get state(): InboundCallState {
    return this.#state;
  }

  verifyDigest(ha1: { md5: string; sha256: string }, realm?: string): boolean {
    return this.#auth.verify(ha1, realm);
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
    const values = this.#auth.challenge(asUser);
    // drachtio-srf joins repeated header values with commas, which is wrong for challenges (each is
    // its own header, RFC 3261 §20.44); it writes values verbatim, so a CRLF makes two header lines.
    await this.#final(401, undefined, { 'WWW-Authenticate': values.join('\r\nWWW-Authenticate: ') });
  }

  async reject(status: number, reason?: string, headers?: Record<string, string>): Promise<void> {
    checkRejectStatus(status);
    if (this.#state === 'terminated') return;
    this.#assertNoFinal();
    await this.#final(status, reason, headers ?? {});
  }

  async progress(answerSdp: string): Promise<void> {
    if (this.#state === 'terminated') return;
    this.#assertNoFinal();
    this.#state = 'early';
    await this.#send(183, undefined, { headers: { 'Content-Type': 'application/sdp' }, body: answerSdp });
  }

  async answer(answerSdp: string): Promise<void> {
    if (this.#state === 'terminated') throw new Error('call already ended');
    this.#assertNoFinal();
    this.#state = 'answering';
    // createUAS sends the 200 OK and calls back once drachtio-server took it (not at the ACK).
    try {
      await new Promise<void>((resolve, reject) => {
        this.#deps.srf.createUAS(this.#req, this.#res, { localSdp: answerSdp, headers: { 'Content-Type': 'application/sdp' } }, (err, dialog) => {
          if (err) return reject(err);
          // In the callback, not after a promise: the ACK, a re-INVITE or a BYE may come in the same read
          // as drachtio-server's confirmation, and drachtio-srf hands them to the dialog in that same tick.
          this.#attach(dialog, answerSdp);
          resolve();
        });
      });
    } catch (err) {
      // A CANCEL that crossed our 200 (drachtio-srf rejects with a 487 SipError), or a lost connection.
      this.#state = 'terminated';
      const canceled = (err as { status?: number }).status === 487;
      this.#fireEnd(canceled ? { by: 'caller', cause: 'canceled', sipCode: 487 } : { by: 'system', cause: 'error' });
      throw err;
    }
    try {
      await this.#ack;
      if (this.#state === 'answering') this.#state = 'confirmed';
    } catch (err) {
      if ((this.#state as InboundCallState) !== 'terminated') {
        // §13.3.1.4: no ACK in time — the dialog is ended with a BYE.
        this.#state = 'confirmed';
        this.#fireEnd({ by: 'system', cause: 'error' });
        await this.#bye();
      }
      throw err;
    }
  }

  /** The dialog's listeners: the far end's BYE, in-dialog requests, new offers, the ACK. */
  #attach(dialog: SrfDialog, answerSdp: string): void {
    this.#dialog = dialog;
    dialog.on('destroy', () => {
      // A BYE from the caller (or drachtio-server's own, after an ACK timeout).
      if (this.#state === 'terminated') return;
      this.#state = 'terminated';
      this.#fireEnd({ by: 'caller', cause: 'normal' });
    });
    this.#localSdp = answerSdp;
    answerDialogRequests(dialog);
    relayDialogOffers(dialog, {
      relay: () => this.#relay,
      localSdp: () => this.#localSdp ?? '',
      answered: (sdp) => {
        this.#localSdp = sdp;
      },
      warn: (obj, msg) => this.#deps.warn({ ...obj, callId: this.callId }, msg),
    });
    this.#ack = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ACK for 200 OK')), this.#deps.ackTimeoutMs);
      dialog.once('ack', (ack) => {
        clearTimeout(timer);
        // After a delayed offer (an INVITE without SDP) the ACK brings the caller's answer.
        if (ack?.body) this.#ackSdp = ack.body;
        resolve();
      });
    });
    // Handled where it is awaited; a rejection before then must not go unhandled.
    this.#ack.catch(() => {});
  }

  async answerWithOffer(offerSdp: string): Promise<string | undefined> {
    await this.answer(offerSdp);
    return this.#ackSdp;
  }

  hangup(): Promise<void> {
    return hangupInbound(this.#state, {
      fail: (status) => this.#final(status, undefined, {}),
      afterAck: async () => {
        await this.#ack?.catch(() => {});
        if (this.#state === 'confirmed') await this.#bye();
      },
      bye: () => this.#bye(),
    });
  }

  onEnd(listener: (end: CallEnd) => void): void {
    this.#end.listen(listener);
  }

  async #bye(): Promise<void> {
    const dialog = this.#dialog;
    this.#state = 'terminated';
    if (!dialog) return;
    await new Promise<void>((resolve) =>
      dialog.destroy({}, (err) => {
        if (err) this.#deps.warn({ err, callId: this.callId }, 'drachtio: BYE failed');
        resolve();
      }),
    );
  }

  async #final(status: number, reason: string | undefined, headers: Record<string, string>): Promise<void> {
    this.#state = 'terminated';
    await this.#send(status, reason, { headers });
  }

  #send(status: number, reason: string | undefined, opts: { headers?: Record<string, string>; body?: string }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#res.send(status, reason, opts, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    });
  }

  #assertNoFinal(): void {
    if (!awaitingFinal(this.#state)) throw new Error(`a final response was already sent (${this.#state})`);
  }

  #fireEnd(end: CallEnd): void {
    this.#end.fire(end);
  }
}

export const DEFAULT_REALM = SIP_REALM;
