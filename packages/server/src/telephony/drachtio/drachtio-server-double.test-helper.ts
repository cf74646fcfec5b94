import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted stand-in for drachtio-server, speaking its TCP control protocol as drachtio-srf does
 * (drachtio-srf lib/wire-protocol.js, lib/drachtio-agent.js): every message is `<bytes>#<body>`,
 * body `<msgId>|<command>|<args...>` and, for SIP, CRLF plus the raw SIP text.
 *
 * - app → server `authenticate|<secret>|<tags>`; we answer `response|<msgId>|OK|<hostport>|<version>`.
 * - app → server `route|<method>`; acknowledged and remembered: as drachtio-server does, a request outside a
 *   dialog whose method no app routed is answered by the server itself with 503 (INVITE, REGISTER, MESSAGE,
 *   OPTIONS, INFO, NOTIFY, SUBSCRIBE, PUBLISH), a BYE or UPDATE outside a dialog with 481; the app never sees
 *   them. Those answers are recorded in `sent` with `by: 'server'`.
 * - server → app `sip|network|<len>|udp|<srcAddr>|<srcPort>|<time>|<txnId>|<dialogId>|<rcvAddr>|<rcvPort>` + SIP:
 *   a request from the network (INVITE, ACK, CANCEL, BYE) or a response to the app's request.
 * - app → server `sip|<txnId>|<dialogId>` + SIP: a response to send, or an in-dialog request (BYE);
 *   we record it and confirm with `response|<msgId>|OK|application|<len>|udp|addr|port|time|txnId|dialogId` + the SIP as "sent".
 * - app → server `sip||[|<proxy>]` + INVITE: a new request (createUAC). We complete it as drachtio-server
 *   does (From tag, localhost → our address, To, Via, CSeq, Contact), give it a transaction and echo it;
 *   the test then plays the far end with respond() (provisionals, finals, challenges) and farEndBye().
 *   A CANCEL from the app (`sip|<inviteTxnId>|`) is answered like a far end would: 487 to the INVITE.
 */
export interface SentSip {
  /** Status for a response, method for a request. */
  status?: number;
  method?: string;
  raw: string;
  /** The dialog drachtio-srf addressed (in-dialog requests carry no Call-ID: the server fills it in). */
  dialogId: string;
  /** For a request the app originated (createUAC): its transaction, and the proxy it named (where it goes). */
  txnId?: string;
  target?: string;
  headers: Array<[string, string]>;
  body: string;
  /** Set on an answer drachtio-server gave itself, without asking the app. */
  by?: 'server';
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
  /** Methods the app registered for (`route|<method>`), lower case as drachtio-srf sends them. */
  readonly routes = new Set<string>();
  /** App-originated INVITEs by transaction, and whether the far end (the test) gave a final response. */
  private outgoing = new Map<string, { invite: SentSip; final: boolean }>();
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
    const method = /^([A-Z]+) /.exec(raw)?.[1] ?? '';
    const answer = dialogId ? undefined : this.serverAnswerTo(method);
    if (answer) {
      this.serverAnswers(raw, answer);
      return;
    }
    this.write(
      `${randomUUID()}|sip|network|${Buffer.byteLength(raw)}|udp|${source.address}|${source.port}|${Date.now()}|${randomUUID()}|${dialogId}|127.0.0.1|5060\r\n${raw}`,
    );
  }

  /** What drachtio-server answers itself to a request outside a dialog, or undefined when the app gets it. */
  private serverAnswerTo(method: string): number | undefined {
    if (ROUTED_BY_METHOD.has(method)) return this.routes.has(method.toLowerCase()) ? undefined : 503;
    return method === 'BYE' || method === 'UPDATE' ? 481 : undefined;
  }

  /** drachtio-server's own answer to a request it does not pass to the app. */
  private serverAnswers(raw: string, status: number): void {
    const req = parseSip(raw);
    const lines = [
      `SIP/2.0 ${status} ${REASONS[status] ?? 'Whatever'}`,
      ...['via', 'from', 'to', 'call-id', 'cseq'].map((h) => `${h}: ${req.header(h) ?? ''}`),
      'Content-Length: 0',
      '',
      '',
    ];
    this.sent.push({ ...parseSip(lines.join('\r\n')), dialogId: '', by: 'server' });
    for (const w of this.waiters.splice(0)) w();
  }

  /** Per Call-ID: requests the caller sends right after our 200, delivered in the same write (see behindAnswer). */
  private behind = new Map<string, string[]>();

  /**
   * The caller's requests (ACK, a re-INVITE) that follow our 200 OK so closely that drachtio-server's
   * confirmation of the 200 and they reach the app in one TCP read, as a busy real server sends them.
   */
  behindAnswer(callId: string, raws: string[]): void {
    this.behind.set(callId, raws);
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
        this.routes.add(args[0] ?? '');
        this.write(`${randomUUID()}|response|${msgId}|OK`);
        return;
      case 'ping':
        this.write(`${randomUUID()}|response|${msgId}|OK`);
        return;
      case 'sip': {
        const raw = msg.slice(crlf + 2);
        const [txnId = '', dialogId = '', proxy] = args;
        const method = /^([A-Z]+) /.exec(raw)?.[1];
        if (method === 'CANCEL' && txnId) this.onCancel(msgId!, txnId, raw);
        else if (method && method !== 'ACK' && !txnId && !dialogId) this.onOutgoingRequest(msgId!, proxy, raw);
        else this.onSip(msgId!, dialogId, raw);
        return;
      }
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
    const frame = (body: string) => `${Buffer.byteLength(body)}#${body}`;
    const following = dialogId && dialogId !== dialogIdIn ? (this.behind.get(callId) ?? []) : [];
    this.behind.delete(callId);
    this.app?.write(
      [
        `${randomUUID()}|response|${msgId}|OK|application|${Buffer.byteLength(echoed)}|udp|127.0.0.1|5060|${Date.now()}|${txnId}|${dialogId}\r\n${echoed}`,
        ...following.map(
          (raw) =>
            `${randomUUID()}|sip|network|${Buffer.byteLength(raw)}|udp|203.0.113.7|5060|${Date.now()}|${randomUUID()}|${dialogId}|127.0.0.1|5060\r\n${raw}`,
        ),
      ]
        .map(frame)
        .join(''),
    );
    if (sip.method === 'BYE') {
      // The caller answers our BYE.
      const ok = `SIP/2.0 200 OK\r\nCall-ID: ${callId}\r\nCSeq: ${sip.header('cseq')}\r\nFrom: ${sip.header('from')}\r\nTo: ${sip.header('to')}\r\nContent-Length: 0\r\n\r\n`;
      this.write(`${randomUUID()}|sip|network|${Buffer.byteLength(ok)}|udp|203.0.113.7|5060|${Date.now()}|${txnId}|${dialogId}|127.0.0.1|5060\r\n${ok}`);
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Answers an app-originated INVITE as the far end: a provisional, a 2xx (with `sdp`), a challenge or a
   * failure. A 2xx opens a dialog (`dialogOf(callId)`), which the app's ACK and BYE then name.
   */
  respond(invite: SentSip, status: number, o: { reason?: string; sdp?: string; headers?: Record<string, string>; toTag?: string } = {}): void {
    const txnId = invite.txnId;
    const pending = txnId ? this.outgoing.get(txnId) : undefined;
    if (!txnId || !pending) throw new Error('respond() needs an INVITE the app sent');
    if (status >= 200) pending.final = true;
    const callId = invite.header('call-id') ?? '';
    const fromTag = /tag=([^;>\s]+)/.exec(invite.header('from') ?? '')?.[1] ?? '';
    let dialogId = '';
    if (status >= 200 && status < 300) {
      dialogId = `${callId};from-tag=${fromTag}`;
      this.dialogs.set(callId, dialogId);
    }
    const body = o.sdp ?? '';
    const lines = [
      `SIP/2.0 ${status} ${o.reason ?? REASONS[status] ?? 'Whatever'}`,
      `Via: ${invite.header('via')}`,
      `From: ${invite.header('from')}`,
      `To: ${invite.header('to')}${status > 100 ? `;tag=${o.toTag ?? 'callee-tag'}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${invite.header('cseq')}`,
      ...(status < 300 ? ['Contact: <sip:callee@203.0.113.9:5060>'] : []),
      ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    const raw = lines.join('\r\n');
    this.write(`${randomUUID()}|sip|network|${Buffer.byteLength(raw)}|udp|203.0.113.9|5060|${Date.now()}|${txnId}|${dialogId}|127.0.0.1|5060\r\n${raw}`);
  }

  /** The far end of an app-originated call hangs up (after a 2xx): a BYE in that dialog. */
  farEndBye(invite: SentSip, toTag = 'callee-tag'): void {
    const callId = invite.header('call-id') ?? '';
    const raw = [
      'BYE sip:127.0.0.1:5060 SIP/2.0',
      'Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK-far-bye',
      'Max-Forwards: 70',
      `From: ${invite.header('to')};tag=${toTag}`,
      `To: ${invite.header('from')}`,
      `Call-ID: ${callId}`,
      'CSeq: 1 BYE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    this.deliver(raw, { address: '203.0.113.9', port: 5060 }, this.dialogOf(callId));
  }

  /** A new request from the app: completed as drachtio-server would send it, then echoed as sent. */
  private onOutgoingRequest(msgId: string, proxy: string | undefined, raw: string): void {
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const body = raw.slice(head.length + 4);
    const [start = '', ...lines] = head.split('\r\n');
    const uri = start.split(' ')[1] ?? '';
    const has = (name: string) => lines.some((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    const out = lines
      .filter((l) => !/^content-length:/i.test(l))
      .map((l) => {
        if (!/^from:/i.test(l)) return l;
        const from = l.replace('@localhost', '@127.0.0.1:5060');
        return /tag=/.test(from) ? from : `${from};tag=double-from-tag`;
      });
    const method = start.split(' ')[0] ?? 'INVITE';
    if (!has('to')) out.push(`To: <${uri}>`);
    if (!has('call-id')) out.push(`Call-ID: ${randomUUID()}`);
    if (!has('cseq')) out.push(`CSeq: 1 ${method}`);
    if (!has('contact')) out.push('Contact: <sip:127.0.0.1:5060>');
    const sent = [
      start,
      `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-${randomUUID()};rport`,
      'Max-Forwards: 70',
      ...out,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    const txnId = randomUUID();
    const sip: SentSip = { ...parseSip(sent), dialogId: '', txnId, ...(proxy ? { target: proxy } : {}) };
    this.outgoing.set(txnId, { invite: sip, final: false });
    this.sent.push(sip);
    this.write(`${randomUUID()}|response|${msgId}|OK|application|${Buffer.byteLength(sent)}|udp|127.0.0.1|5060|${Date.now()}|${txnId}|\r\n${sent}`);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The app cancels its INVITE: recorded, confirmed, and the far end ends the INVITE with 487 (unless it already answered). */
  private onCancel(msgId: string, txnId: string, raw: string): void {
    this.sent.push({ ...parseSip(raw), dialogId: '', txnId });
    this.write(`${randomUUID()}|response|${msgId}|OK|application|${Buffer.byteLength(raw)}|udp|127.0.0.1|5060|${Date.now()}|${randomUUID()}|\r\n${raw}`);
    const pending = this.outgoing.get(txnId);
    if (pending && !pending.final) this.respond(pending.invite, 487);
    for (const w of this.waiters.splice(0)) w();
  }
}

/** What drachtio-server routes to an app by method when outside a dialog (controller.cpp, v0.9.10). */
const ROUTED_BY_METHOD = new Set(['INVITE', 'REGISTER', 'MESSAGE', 'OPTIONS', 'INFO', 'NOTIFY', 'SUBSCRIBE', 'PUBLISH']);

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  401: 'Unauthorized',
  407: 'Proxy Authentication Required',
  486: 'Busy Here',
  481: 'Call/Transaction Does Not Exist',
  487: 'Request Terminated',
  503: 'Service Unavailable',
};

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

/** An in-dialog request (ACK, BYE, INFO, REFER) or CANCEL for that INVITE. */
export function requestText(method: 'ACK' | 'BYE' | 'CANCEL' | 'INFO' | 'REFER', callId: string, cseq = 1): string {
  const seq = method === 'ACK' || method === 'CANCEL' ? cseq : cseq + 1;
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

/** A re-INVITE in the dialog the double answered for `callId` (hold, resume: a new offer), or its ACK. */
export function reinviteText(callId: string, cseq: number, sdp: string, method: 'INVITE' | 'UPDATE' = 'INVITE'): string {
  return [
    `${method} sip:+4930123456@127.0.0.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-re-${cseq}`,
    'Max-Forwards: 70',
    'From: <sip:+4930999@203.0.113.7>;tag=caller-tag',
    'To: <sip:+4930123456@127.0.0.1>;tag=double-tag',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:pbx@203.0.113.7:5060>',
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n');
}

/** A request outside any dialog, as a PBX sends keep-alives (OPTIONS) and the like. */
export function outOfDialogText(method: string, callId: string): string {
  return [
    `${method} sip:127.0.0.1:5060 SIP/2.0`,
    'Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-ood',
    'Max-Forwards: 70',
    'From: <sip:pbx@203.0.113.7>;tag=pbx-tag',
    'To: <sip:127.0.0.1>',
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
