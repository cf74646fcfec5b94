import { createSocket, type Socket } from 'node:dgram';
import type { SipMessage } from './sip-message.js';
import { parseSipDatagram } from './sip-parser.js';

/**
 * A scripted raw-UDP SIP peer for tests: sends text datagrams and collects what comes back, parsed.
 * Waits are bounded only as a safety net; tests assert on what arrived, not on when.
 */
export class SipTestClient {
  readonly received: SipMessage[] = [];
  /** Every datagram as text, including ones our parser refuses (a 400 to a request without CSeq). */
  readonly raw: string[] = [];
  #socket: Socket;
  #waiters: Array<() => void> = [];
  port = 0;

  private constructor(
    socket: Socket,
    readonly serverPort: number,
  ) {
    this.#socket = socket;
    socket.on('message', (buf) => {
      this.raw.push(buf.toString('utf8'));
      const r = parseSipDatagram(buf);
      if (r.ok) this.received.push(r.message);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Opens a client bound to 127.0.0.1 on a free port. */
  static async open(serverPort: number): Promise<SipTestClient> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    const c = new SipTestClient(s, serverPort);
    c.port = s.address().port;
    return c;
  }

  /** Sends raw text or bytes (LF line ends in text are turned into CRLF). */
  send(msg: string | Buffer): void {
    const buf = typeof msg === 'string' ? Buffer.from(msg.replace(/\r?\n/g, '\r\n')) : msg;
    this.#socket.send(buf, this.serverPort, '127.0.0.1');
  }

  /** Waits until `count` received messages satisfy `pred`; returns them. */
  async waitFor(pred: (m: SipMessage) => boolean, count = 1, safetyMs = 10_000): Promise<SipMessage[]> {
    const deadline = Date.now() + safetyMs;
    while (true) {
      const hits = this.received.filter(pred);
      if (hits.length >= count) return hits;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} message(s); got ${hits.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits until a raw datagram matches `re`. */
  async waitForRaw(re: RegExp, safetyMs = 10_000): Promise<string> {
    const deadline = Date.now() + safetyMs;
    while (true) {
      const hit = this.raw.find((t) => re.test(t));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Number of received messages matching `pred`. */
  count(pred: (m: SipMessage) => boolean): number {
    return this.received.filter(pred).length;
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }
}

/** Predicate for a response with a status (and optionally a CSeq method). */
export function isResponse(status: number, method?: string): (m: SipMessage) => boolean {
  return (m) => m.kind === 'response' && m.status === status && (method === undefined || m.cseq.method === method);
}

/** Predicate for a request with a method. */
export function isRequest(method: string): (m: SipMessage) => boolean {
  return (m) => m.kind === 'request' && m.method === method;
}

/** Polls `cond` (bounded) — for waiting until tables drain after RFC timers fire. */
export async function eventually(cond: () => boolean, safetyMs = 10_000): Promise<void> {
  const deadline = Date.now() + safetyMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
