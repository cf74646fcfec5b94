import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { basisOf, buildResponse, type Endpoint } from './responses.js';
import { type OutgoingMessage, type SipMessage, serialize } from './sip-message.js';
import { MAX_DATAGRAM_BYTES, parseSipDatagram } from './sip-parser.js';

/** Counters kept by the transport. */
export interface TransportStats {
  messagesIn: number;
  messagesOut: number;
  /** Datagrams refused by the parser (answered 400 or dropped). */
  malformed: number;
  /** Of those, how many were answered 400 Bad Request. */
  badRequestsAnswered: number;
  /** Of those, how many could not be answered and were dropped. */
  malformedDropped: number;
  /** Exceptions thrown by the message handler (caught here; the datagram is dropped). */
  handlerErrors: number;
  /** Bytes received and sent (amplification checks: what we send per byte a stranger sends us). */
  bytesIn: number;
  bytesOut: number;
  /** Datagrams dropped unread because their source is banned (SourceGuard). */
  bannedDropped: number;
}

/** Minimal logger (pino-compatible) so the transport can report without depending on pino. */
export interface SipLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * SIP over UDP (RFC 3261 §18) on one socket. Each datagram is one message; the transport parses it,
 * answers 400 to malformed requests it can route a response for, and hands valid messages to the
 * transaction layer. Nothing a peer sends can throw out of here: a socket 'message' listener that
 * throws would crash the process.
 */
export class UdpTransport {
  readonly stats: TransportStats = {
    messagesIn: 0,
    messagesOut: 0,
    malformed: 0,
    badRequestsAnswered: 0,
    malformedDropped: 0,
    handlerErrors: 0,
    bytesIn: 0,
    bytesOut: 0,
    bannedDropped: 0,
  };
  #socket: Socket | undefined;
  readonly #onMessage: (msg: SipMessage, source: Endpoint) => void;
  readonly #log: SipLogger | undefined;
  readonly #banned: ((address: string) => boolean) | undefined;

  /** `banned` names sources whose datagrams are dropped before parsing (a banned guesser gets silence). */
  constructor(onMessage: (msg: SipMessage, source: Endpoint) => void, log?: SipLogger, banned?: (address: string) => boolean) {
    this.#onMessage = onMessage;
    this.#log = log;
    this.#banned = banned;
  }

  /** Binds the socket; resolves with the bound address (port 0 picks a free port). */
  async bind(host: string, port: number): Promise<Endpoint> {
    // A bigger receive buffer rides out bursts (200 new calls a second, each with retransmissions):
    // with the default ~200 KiB the kernel dropped ACKs and BYEs under load. Linux caps it at rmem_max.
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // After binding, socket errors (e.g. ICMP port unreachable surfacing on send) are not fatal.
    socket.on('error', (err) => this.#log?.warn({ err }, 'sip: udp socket error'));
    socket.on('message', (buf, rinfo) => this.#receive(buf, { address: rinfo.address, port: rinfo.port }));
    this.#socket = socket;
    const a = socket.address();
    return { address: a.address, port: a.port };
  }

  /** Closes the socket (idempotent). */
  async close(): Promise<void> {
    const s = this.#socket;
    this.#socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Serialises and sends a message; silently does nothing once closed. */
  send(msg: OutgoingMessage | Buffer, to: Endpoint): void {
    const s = this.#socket;
    if (!s) return;
    const buf = Buffer.isBuffer(msg) ? msg : serialize(msg);
    this.stats.messagesOut++;
    this.stats.bytesOut += buf.length;
    s.send(buf, to.port, to.address, (err) => {
      if (err) this.#log?.debug({ err, to }, 'sip: send failed');
    });
  }

  #receive(buf: Buffer, source: Endpoint): void {
    this.stats.messagesIn++;
    this.stats.bytesIn += buf.length;
    if (this.#banned?.(source.address)) {
      this.stats.bannedDropped++;
      return;
    }
    const parsed = buf.length > MAX_DATAGRAM_BYTES ? ({ ok: false, reason: 'datagram too large' } as const) : parseSipDatagram(buf);
    if (!parsed.ok) {
      if ('keepAlive' in parsed && parsed.keepAlive) return;
      this.stats.malformed++;
      const salvage = 'salvage' in parsed ? parsed.salvage : undefined;
      // A 400 is possible for a request (never an ACK, §17.2.1) whose top Via we understood.
      if (salvage?.isRequest && salvage.method !== 'ACK' && salvage.vias.length > 0 && /^SIP\s*\/\s*2\.0\s*\/\s*\S+\s+\S/i.test(salvage.vias[0]!)) {
        this.stats.badRequestsAnswered++;
        this.send(buildResponse(salvage, source, 400, { reason: `Bad Request (${parsed.reason})` }), source);
      } else this.stats.malformedDropped++;
      this.#log?.debug({ source, reason: parsed.reason }, 'sip: malformed datagram');
      return;
    }
    try {
      this.#onMessage(parsed.message, source);
    } catch (err) {
      this.stats.handlerErrors++;
      this.#log?.warn({ err, source }, 'sip: message handler threw');
      // Best effort: a request that crashed us still deserves a final answer.
      const m = parsed.message;
      if (m.kind === 'request' && m.method !== 'ACK') {
        try {
          this.send(buildResponse(basisOf(m), source, 500), source);
        } catch {
          // nothing more we can do
        }
      }
    }
  }
}
