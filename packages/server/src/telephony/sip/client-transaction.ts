import type { Endpoint } from './responses.js';
import type { SipResponse } from './sip-message.js';
import { after, type Cancel, retransmitUntil, type SipTimerConfig } from './sip-timers.js';

/** What a client transaction needs from the layer that owns it. */
export interface ClientTransactionHost {
  timers: SipTimerConfig;
  sendRaw(buf: Buffer, to: Endpoint): void;
  terminated(key: string): void;
}

/**
 * Non-INVITE client transaction over UDP (§17.1.2) — all we originate is BYE. Timer E resends
 * (T1 doubling to T2), Timer F (64*T1) times out, Timer K (T4) absorbs late response copies.
 * The key is the branch we put in our Via, which the response echoes back.
 */
export class ClientNonInviteTransaction {
  state: 'trying' | 'completed' | 'terminated' = 'trying';
  readonly done: Promise<SipResponse | undefined>;
  #resolve!: (r: SipResponse | undefined) => void;
  #cancel: Cancel[] = [];

  constructor(
    readonly key: string,
    private readonly request: Buffer,
    private readonly to: Endpoint,
    private readonly host: ClientTransactionHost,
  ) {
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Sends the request and starts Timers E and F. */
  start(): void {
    this.host.sendRaw(this.request, this.to);
    this.#cancel.push(
      retransmitUntil(
        this.host.timers,
        () => this.host.sendRaw(this.request, this.to),
        () => this.#finish(undefined), // Timer F: resolve with no response
      ),
    );
  }

  /** A response matched our branch. Provisionals keep us waiting; a final completes. */
  onResponse(res: SipResponse): void {
    if (this.state !== 'trying' || res.status < 200) return;
    this.#finish(res);
  }

  /** Stops everything and leaves the table (shutdown). */
  dispose(): void {
    this.#finish(undefined, true);
  }

  #finish(res: SipResponse | undefined, now = false): void {
    if (this.state === 'terminated') return;
    for (const c of this.#cancel) c();
    this.#cancel = [];
    this.#resolve(res);
    if (res && !now) {
      this.state = 'completed';
      this.#cancel.push(after(this.host.timers.t4, () => this.#finish(undefined, true))); // Timer K
      return;
    }
    this.state = 'terminated';
    this.host.terminated(this.key);
  }
}
