import { createSocket, type Socket } from 'node:dgram';
import type { Endpoint } from '../sip/responses.js';
import type { SipMessage } from '../sip/sip-message.js';
import { parseSipDatagram } from '../sip/sip-parser.js';

/** One SIP datagram that crossed the tap. */
export interface TappedMessage {
  /** `out`: our UAC sent it to the far end; `in`: the far end sent it to us. */
  direction: 'out' | 'in';
  /** Undefined when our parser refused the datagram (it is still forwarded). */
  message: SipMessage | undefined;
  /** The far end's address: where it went, or where it came from. */
  peer: Endpoint;
}

/**
 * A two-socket UDP relay between a local SIP UAC and the far end, reporting every datagram it carries.
 *
 * Why a relay: EmbeddedSip owns its UDP socket privately and has no message hook, and the timeline must
 * show what really went over the wire (retransmissions included). So the UAC binds on loopback and is
 * told to advertise the tap's `outer` port in Via and Contact; it sends everything to `inner`, and the
 * far end answers and sends its BYE to `outer`. The far end sees `outer` as the source, which is the
 * address a trunk's `allowed_ips` must hold.
 *
 * @example
 * ```ts
 * const tap = await SipTap.open({ bindAddress: '127.0.0.1', remote: { address: '127.0.0.1', port: 5060 } });
 * tap.onMessage((m) => console.log(m.direction, m.message?.kind));
 * // dial with destination tap.inner and publicPort tap.outer.port ...
 * await tap.close();
 * ```
 */
export class SipTap {
  readonly #inner: Socket;
  readonly #outer: Socket;
  readonly #remote: Endpoint;
  readonly #listeners: Array<(m: TappedMessage) => void> = [];
  readonly #history: TappedMessage[] = [];
  /** The UAC's own socket, learnt from its first datagram. */
  #uac: Endpoint | undefined;
  /** Who sent the last request from outside: responses to it go back there (it may not be `remote`). */
  #lastRequester: Endpoint | undefined;

  private constructor(inner: Socket, outer: Socket, remote: Endpoint) {
    this.#inner = inner;
    this.#outer = outer;
    this.#remote = remote;
    inner.on('message', (buf, rinfo) => this.#fromUac(buf, { address: rinfo.address, port: rinfo.port }));
    outer.on('message', (buf, rinfo) => this.#fromWire(buf, { address: rinfo.address, port: rinfo.port }));
    // ICMP errors surface as socket errors on some systems; a test call must not crash on them.
    inner.on('error', () => {});
    outer.on('error', () => {});
  }

  /** Binds `outer` on `bindAddress` (port 0) and `inner` on loopback. */
  static async open(opts: { bindAddress: string; remote: Endpoint }): Promise<SipTap> {
    const outer = await bound(opts.bindAddress);
    try {
      return new SipTap(await bound('127.0.0.1'), outer, opts.remote);
    } catch (err) {
      outer.close();
      throw err;
    }
  }

  /** Where the UAC must send (its dial destination). */
  get inner(): Endpoint {
    const a = this.#inner.address();
    return { address: a.address, port: a.port };
  }

  /** The wire side: its port is what the UAC advertises. */
  get outer(): Endpoint {
    const a = this.#outer.address();
    return { address: a.address, port: a.port };
  }

  /** Calls `listener` for each message from now on; answers a function that stops that. */
  onMessage(listener: (m: TappedMessage) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i !== -1) this.#listeners.splice(i, 1);
    };
  }

  /**
   * The first message, past or future, that matches `pred`; undefined after `timeoutMs` without one.
   * The UAC sends synchronously but the tap sees it a loop turn later, so callers wait for the wire.
   */
  waitFor(pred: (m: TappedMessage) => boolean, timeoutMs: number): Promise<TappedMessage | undefined> {
    const past = this.#history.find(pred);
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(undefined);
      }, timeoutMs);
      const off = this.onMessage((m) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        off();
        resolve(m);
      });
    });
  }

  /** Closes both sockets (idempotent enough: a second call finds them closed and resolves). */
  async close(): Promise<void> {
    await Promise.all([closeQuietly(this.#inner), closeQuietly(this.#outer)]);
  }

  #fromUac(buf: Buffer, source: Endpoint): void {
    this.#uac = source;
    const parsed = parseSipDatagram(buf);
    const message = parsed.ok ? parsed.message : undefined;
    const to = message?.kind === 'response' ? (this.#lastRequester ?? this.#remote) : this.#remote;
    this.#emit({ direction: 'out', message, peer: to });
    this.#outer.send(buf, to.port, to.address);
  }

  #fromWire(buf: Buffer, source: Endpoint): void {
    const parsed = parseSipDatagram(buf);
    const message = parsed.ok ? parsed.message : undefined;
    if (message?.kind === 'request') this.#lastRequester = source;
    this.#emit({ direction: 'in', message, peer: source });
    const uac = this.#uac;
    if (uac) this.#inner.send(buf, uac.port, uac.address);
  }

  #emit(m: TappedMessage): void {
    this.#history.push(m);
    for (const l of this.#listeners) {
      try {
        l(m);
      } catch {
        // A listener bug must not stop the relay (the call would hang).
      }
    }
  }
}

function bound(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function closeQuietly(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
