import type { ClientTransactionHost } from './client-transaction.js';
import type { Endpoint } from './responses.js';
import type { SipResponse } from './sip-message.js';
import { after, type Cancel, retransmitUntil } from './sip-timers.js';

/** What the transaction reports to the call that owns it (the transaction user). */
export interface InviteTransactionUser {
  /** Each provisional, then the final response once (retransmitted non-2xx finals are absorbed here). */
  onResponse(res: SipResponse): void;
  /** Timer B: nothing answered the INVITE at all. */
  onTimeout(): void;
}

/**
 * INVITE client transaction over UDP (RFC 3261 §17.1.1). Timer A resends the INVITE (T1, doubling)
 * until a response; Timer B (64*T1) gives up when none came. A non-2xx final is ACKed here, with the
 * INVITE's branch (§17.1.1.3), and Timer D absorbs its retransmissions with a fresh ACK each. A 2xx
 * ends the transaction at once: its ACK, and the ACKs for its retransmissions, are the dialog's (§13.2.2.4).
 * The key is the branch of our Via, which responses echo.
 */
export class ClientInviteTransaction {
  state: 'calling' | 'proceeding' | 'completed' | 'terminated' = 'calling';
  #cancel: Cancel[] = [];

  constructor(
    readonly key: string,
    private readonly request: Buffer,
    private readonly to: Endpoint,
    private readonly host: ClientTransactionHost,
    private readonly user: InviteTransactionUser,
    /** Builds the ACK for a non-2xx final (same branch, the response's To). */
    private readonly ackFor: (res: SipResponse) => Buffer,
  ) {}

  /** Sends the INVITE and starts Timers A and B. */
  start(): void {
    this.host.sendRaw(this.request, this.to);
    // INVITE retransmissions keep doubling (no T2 cap, §17.1.1.2) until Timer B.
    const timers = { ...this.host.timers, t2: Number.MAX_SAFE_INTEGER };
    this.#cancel.push(
      retransmitUntil(
        timers,
        () => this.host.sendRaw(this.request, this.to),
        () => {
          if (this.state !== 'calling') return;
          this.#terminate();
          this.user.onTimeout();
        },
      ),
    );
  }

  /** A response whose top Via carries our branch. */
  onResponse(res: SipResponse): void {
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (res.status < 200) {
          if (this.state === 'calling') this.#stopTimers(); // a provisional stops A and B
          this.state = 'proceeding';
          this.user.onResponse(res);
          return;
        }
        if (res.status < 300) {
          this.#terminate();
          this.user.onResponse(res);
          return;
        }
        this.#stopTimers();
        this.state = 'completed';
        this.host.sendRaw(this.ackFor(res), this.to);
        this.#cancel.push(after(64 * this.host.timers.t1, () => this.#terminate())); // Timer D (32 s by default)
        this.user.onResponse(res);
        return;
      case 'completed':
        // A retransmitted final: our ACK was lost.
        if (res.status >= 300) this.host.sendRaw(this.ackFor(res), this.to);
        return;
      case 'terminated':
        return;
    }
  }

  /** Stops everything and leaves the table (shutdown). */
  dispose(): void {
    this.#terminate();
  }

  #stopTimers(): void {
    for (const c of this.#cancel) c();
    this.#cancel = [];
  }

  #terminate(): void {
    if (this.state === 'terminated') return;
    this.#stopTimers();
    this.state = 'terminated';
    this.host.terminated(this.key);
  }
}
