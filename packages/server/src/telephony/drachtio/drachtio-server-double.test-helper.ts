import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted stand-in for drachtio-server, speaking its TCP control protocol as drachtio-srf does
 * (drachtio-srf lib/wire-protocol.js, lib/drachtio-agent.js): every message is `<bytes>#<body>`,
 * body `<msgId>|<command>|<args...>` and, for SIP, CRLF plus the raw SIP text.
 *
 * - app → server `authenticate|<secret>|<tags>`; we answer `response|<msgId>|OK|<hostport>|<version>`.
 * - app → server `route|invite`; acknowledged, nothing else.
 * - server → app `sip|network|<len>|udp|<srcAddr>|<srcPort>|<time>|<txnId>|<dialogId>|<rcvAddr>|<rcvPort>` + SIP:
 *   a request from the network (INVITE, ACK, CANCEL, BYE) or a response to the app's request.
 * - app → server `sip|<txnId>|<dialogId>` + SIP: a response to send, or an in-dialog request (BYE);
 *   we record it and confirm with `response|<msgId>|OK|application|<len>|udp|addr|port|time|txnId|dialogId` + the SIP as "sent".
 */
export interface SentSip {
  /** Status for a response, method for a request. */
  status?: number;
  method?: string;
  raw: string;
  /** The dialog drachtio-srf addressed (in-dialog requests carry no Call-ID: the server fills it in). */
  dialogId: string;
  headers: Array<[string, string]>;
  body: string;
  header(name: string): string | undefined;
  all(name: string): string[];
}

export class DrachtioServerDouble {
  readonly secret: string;
  readonly sent: SentSip[] = [];
  private server: Server | undefined;
  private app: Socket | undefined;
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private dialogs = new Map<string, string>(); // call-id → dialog id
  authenticated = false;

  constructor(secret = 'cymru') {
    this.secret = secret;
  }

  async listen(): Promise<number> {
    this.server = createServer((socket) => {
      this.app = socket;
      socket.on('data', (d) => this.onData(d));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    return addr.port;
  }

  async close(): Promise<void> {
    this.app?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Delivers a SIP request from the network, as drachtio-server does. */
  deliver(raw: string, source = { address: '203.0.113.7', port: 5060 }, dialogId = ''): void {
    this.write(
      `${randomUUID()}|sip|network|${Buffer.byteLength(raw)}|udp|${source.address}|${source.port}|${Date.now()}|${randomUUID()}|${dialogId}|127.0.0.1|5060\r\n${raw}`,
    );
  }

  /** The dialog id we gave the 200 OK for this call (in-dialog requests carry it). */
  dialogOf(callId: string): string {
    const id = this.dialogs.get(callId);
    if (!id) throw new Error(`no dialog for ${callId}`);
    return id;
  }

  async waitFor(pred: (m: SentSip) => boolean, ms = 3000): Promise<SentSip> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.sent.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`double: nothing matched; got ${this.sent.map((m) => m.status ?? m.method).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private write(body: string): void {
    this.app?.write(`${Buffer.byteLength(body)}#${body}`);
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const hash = this.buffer.indexOf('#');
      if (hash <= 0) return;
      const len = Number(this.buffer.subarray(0, hash).toString());
      if (this.buffer.length < hash + 1 + len) return;
      const msg = this.buffer.subarray(hash + 1, hash + 1 + len).toString();
      this.buffer = this.buffer.subarray(hash + 1 + len);
      this.onMessage(msg);
    }
  }

  private onMessage(msg: string): void {
    const crlf = msg.indexOf('\r\n');
    const leader = crlf === -1 ? msg : msg.slice(0, crlf);
    const [msgId, command, ...args] = leader.split('|');
    switch (command) {
      case 'authenticate':
        this.authenticated = args[0] === this.secret;
        this.write(
          this.authenticated ? `${randomUUID()}|response|${msgId}|OK|udp/127.0.0.1:5060|v0.9.3-double` : `${randomUUID()}|response|${msgId}|NOK|bad secret`,
        );
        return;
      case 'route':
      case 'ping':
        this.write(`${randomUUID()}|response|${msgId}|OK`);
        return;
      case 'sip':
        this.onSip(msgId!, args[1] ?? '', msg.slice(crlf + 2));
        return;
    }
  }

  /** The app sent SIP: record it, "send" it (tagging a 2xx like a real stack) and confirm. */
  private onSip(msgId: string, dialogIdIn: string, raw: string): void {
    const sip = parseSip(raw);
    let echoed = raw;
    let dialogId = dialogIdIn;
    const callId = sip.header('call-id') ?? '';
    if (sip.status === 200 && /INVITE/i.test(sip.header('cseq') ?? '')) {
      // drachtio-server adds our To tag and Contact to a 2xx, and names the dialog.
      dialogId = `${callId};uas`;
      this.dialogs.set(callId, dialogId);
      echoed = raw.replace(/^(To|t):([^\r\n]*)$/im, (line) => (/tag=/.test(line) ? line : `${line};tag=double-tag`));
      if (!sip.header('contact')) echoed = echoed.replace('\r\n', '\r\nContact: <sip:127.0.0.1:5060>\r\n');
    }
    this.sent.push({ ...sip, dialogId });
    const txnId = randomUUID();
    this.write(
      `${randomUUID()}|response|${msgId}|OK|application|${Buffer.byteLength(echoed)}|udp|127.0.0.1|5060|${Date.now()}|${txnId}|${dialogId}\r\n${echoed}`,
    );
    if (sip.method === 'BYE') {
      // The caller answers our BYE.
      const ok = `SIP/2.0 200 OK\r\nCall-ID: ${callId}\r\nCSeq: ${sip.header('cseq')}\r\nFrom: ${sip.header('from')}\r\nTo: ${sip.header('to')}\r\nContent-Length: 0\r\n\r\n`;
      this.write(`${randomUUID()}|sip|network|${Buffer.byteLength(ok)}|udp|203.0.113.7|5060|${Date.now()}|${txnId}|${dialogId}|127.0.0.1|5060\r\n${ok}`);
    }
    for (const w of this.waiters.splice(0)) w();
  }
}

function parseSip(raw: string): Omit<SentSip, 'dialogId'> {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const [start = '', ...lines] = head.split('\r\n');
  const headers = lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()] as [string, string];
  });
  const status = /^SIP\/2\.0 (\d{3})/.exec(start);
  return {
    ...(status ? { status: Number(status[1]) } : { method: start.split(' ')[0] }),
    raw,
    headers,
    body: rest.join('\r\n\r\n'),
    header: (n) => headers.find(([k]) => k === n.toLowerCase())?.[1],
    all: (n) => headers.filter(([k]) => k === n.toLowerCase()).map(([, v]) => v),
  };
}

/** An INVITE as a PBX would send it. */
export function inviteText(o: { callId: string; from?: string; to?: string; sdp?: string; authorization?: string; cseq?: number }): string {
  const body = o.sdp ?? '';
  return [
    `INVITE sip:${o.to ?? '+4930123456'}@127.0.0.1:5060 SIP/2.0`,
    'Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-1',
    'Max-Forwards: 70',
    `From: <sip:${o.from ?? '+4930999'}@203.0.113.7>;tag=caller-tag`,
    `To: <sip:${o.to ?? '+4930123456'}@127.0.0.1>`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq ?? 1} INVITE`,
    'Contact: <sip:pbx@203.0.113.7:5060>',
    ...(o.authorization ? [`Authorization: ${o.authorization}`] : []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** An in-dialog request (ACK, BYE) or CANCEL for that INVITE. */
export function requestText(method: 'ACK' | 'BYE' | 'CANCEL', callId: string, cseq = 1): string {
  const seq = method === 'BYE' ? cseq + 1 : cseq;
  return [
    `${method} sip:+4930123456@127.0.0.1:5060 SIP/2.0`,
    'Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-2',
    'Max-Forwards: 70',
    'From: <sip:+4930999@203.0.113.7>;tag=caller-tag',
    `To: <sip:+4930123456@127.0.0.1>${method === 'CANCEL' ? '' : ';tag=double-tag'}`,
    `Call-ID: ${callId}`,
    `CSeq: ${seq} ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
