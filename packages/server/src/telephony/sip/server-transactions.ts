import type { Endpoint } from './responses.js';
import type { SipRequest } from './sip-message.js';
import { after, type Cancel, retransmitUntil, type SipTimerConfig } from './sip-timers.js';

/**
 * UAS transactions over UDP (RFC 3261 §17.2), kept small: they remember the last response, resend
 * it when the request is retransmitted, and run the timers; the core (embedded-sip.ts) decides what
 * to answer.
 */

/** What a transaction needs from the layer that owns it. */
export interface TransactionHost {
  timers: SipTimerConfig;
  sendRaw(buf: Buffer, to: Endpoint): void;
  /** Removes the transaction from the table. */
  terminated(key: string): void;
}

/**
 * The matching key (§17.2.3): branch + sent-by + method, with ACK folded into INVITE so the ACK
 * for a non-2xx final finds its INVITE transaction. Requests without the magic cookie (RFC 2543
 * peers) fall back to Call-ID, CSeq number, From tag and the top Via.
 */
export function serverTransactionKey(req: SipRequest): string {
  const via = req.vias[0]!;
  const method = req.method === 'ACK' ? 'INVITE' : req.method;
  const branch = via.params.branch ?? '';
  const sentBy = `${via.host}:${via.port ?? 5060}`;
  if (branch.startsWith('z9hG4bK')) return `${branch}|${sentBy}|${method}`;
  return `2543|${req.callId}|${req.cseq.seq}|${req.from.params.tag ?? ''}|${sentBy}|${branch}|${method}`;
}

/**
 * INVITE server transaction (§17.2.1) with the RFC 6026 "Accepted" state: after a 2xx we keep it for
 * 64*T1 so a retransmitted INVITE is absorbed (and the 2xx resent) instead of looking like a new call.
 */
export class ServerInviteTransaction {
  state: 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated' = 'proceeding';
  #last: Buffer | undefined;
  #cancelTimers: Cancel[] = [];

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Endpoint,
    private readonly host: TransactionHost,
  ) {}

  /** True once a final response (2xx or not) was sent. */
  get finalSent(): boolean {
    return this.state !== 'proceeding';
  }

  /** True once any response (provisional or final) went out. */
  get responded(): boolean {
    return this.#last !== undefined;
  }

  /**
   * Sends a response through the transaction. Ignored once terminated or after a final. With
   * `retransmit: false` a failure final is not resent on Timer G — only when the INVITE is — while the
   * transaction still waits (Timer H) to absorb the ACK: what RFC 3261 allows for a 401 to an INVITE
   * nobody authenticated, and what keeps a flood of spoofed INVITEs from being amplified.
   */
  respond(status: number, buf: Buffer, opts: { retransmit?: boolean } = {}): void {
    if (this.state !== 'proceeding') return;
    this.#last = buf;
    this.host.sendRaw(buf, this.source);
    if (status < 200) return;
    if (status < 300) {
      // The 2xx itself is retransmitted by the UAS core (§13.3.1.4); we only absorb INVITE copies.
      this.state = 'accepted';
      this.#cancelTimers.push(after(64 * this.host.timers.t1, () => this.#terminate())); // Timer L
      return;
    }
    this.state = 'completed';
    if (opts.retransmit === false) {
      this.#cancelTimers.push(after(64 * this.host.timers.t1, () => this.#terminate())); // Timer H alone
      return;
    }
    const cancelG = retransmitUntil(
      this.host.timers,
      () => this.host.sendRaw(buf, this.source), // Timer G
      () => this.#terminate(), // Timer H: no ACK came; give up
    );
    this.#cancelTimers.push(cancelG);
  }

  /** The INVITE was retransmitted: resend the latest response (§17.2.1). */
  onRetransmission(): void {
    if (this.#last && (this.state === 'proceeding' || this.state === 'completed' || this.state === 'accepted')) this.host.sendRaw(this.#last, this.source);
  }

  /** An ACK with this transaction's key. True when absorbed here (ACK for a non-2xx final). */
  onAck(): boolean {
    if (this.state === 'completed') {
      this.#stopTimers();
      this.state = 'confirmed';
      this.#cancelTimers.push(after(this.host.timers.t4, () => this.#terminate())); // Timer I
      return true;
    }
    return this.state === 'confirmed';
  }

  /** Stops timers and leaves the table (used on shutdown). */
  dispose(): void {
    this.#terminate();
  }

  #stopTimers(): void {
    for (const c of this.#cancelTimers) c();
    this.#cancelTimers = [];
  }

  #terminate(): void {
    if (this.state === 'terminated') return;
    this.#stopTimers();
    this.state = 'terminated';
    this.host.terminated(this.key);
  }
}

/** Non-INVITE server transaction (§17.2.2): absorbs retransmissions, resends the final, Timer J. */
export class ServerNonInviteTransaction {
  state: 'trying' | 'completed' | 'terminated' = 'trying';
  #last: Buffer | undefined;
  #cancelJ: Cancel | undefined;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Endpoint,
    private readonly host: TransactionHost,
  ) {}

  /** Sends the final response; we never send provisionals to non-INVITE requests. */
  respond(_status: number, buf: Buffer, _opts: { retransmit?: boolean } = {}): void {
    if (this.state !== 'trying') return;
    this.#last = buf;
    this.state = 'completed';
    this.host.sendRaw(buf, this.source);
    this.#cancelJ = after(64 * this.host.timers.t1, () => this.dispose()); // Timer J
  }

  /** The request was retransmitted: resend the final if we have one, else absorb (§17.2.2). */
  onRetransmission(): void {
    if (this.state === 'completed' && this.#last) this.host.sendRaw(this.#last, this.source);
  }

  /** Stops Timer J and leaves the table. */
  dispose(): void {
    if (this.state === 'terminated') return;
    this.#cancelJ?.();
    this.state = 'terminated';
    this.host.terminated(this.key);
  }
}

/** Either kind of server transaction. */
export type ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction;
