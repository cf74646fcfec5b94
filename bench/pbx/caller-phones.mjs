// bench/pbx's calling phones for the bridged phase: a small SIP UAC over one UDP socket, signalling
// only (each call's SDP names the bench's sink as its media address). Not SIPp: SIPp computes a
// digest over one URI for the whole run (-auth_uri, or remote_ip:port by default), and Prolope checks
// that the digest's uri is the INVITE's Request-URI (RFC 3261 §22.4), which differs per called
// extension. Per call: INVITE, 401/407, ACK, INVITE with the digest (MD5, qop=auth when offered),
// provisional answers, 200, ACK; then the phone stays on until Prolope's BYE, which it answers 200.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const md5 = (s) => createHash('md5').update(s).digest('hex');
const token = () => randomBytes(8).toString('hex');
/** Retransmissions of an unanswered INVITE (RFC 3261 timer A, from 500 ms doubling), then the call fails. */
const RETRANSMITS = 6;

/** Header values by lower-case name (several of a name joined as an array), the status or request line, the body. */
function parse(text) {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [first, ...lines] = head.split('\r\n');
  const headers = new Map();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  const h = (name) => headers.get(name)?.[0] ?? '';
  return { first, h, all: (name) => headers.get(name) ?? [], body: rest.join('\r\n\r\n') };
}

/** The digest challenge's parameters (realm, nonce, qop, opaque, algorithm). */
function challenge(value) {
  const params = {};
  for (const m of value.replace(/^Digest\s+/i, '').matchAll(/(\w+)=("([^"]*)"|[^,\s]*)/g)) params[m[1].toLowerCase()] = m[3] ?? m[2];
  return params;
}

/**
 * Opens the phones' socket; `call(o)` places one call and resolves with Prolope's media port for it
 * (rejects with the final status otherwise), `ended(callId)` resolves when Prolope's BYE came.
 */
export async function openCallerPhones() {
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  const local = `127.0.0.1:${socket.address().port}`;
  const calls = new Map();
  let server;

  const send = (text) => socket.send(Buffer.from(text), server.port, server.host);

  function invite(c, cseq, auth) {
    const branch = `z9hG4bK${token()}`;
    c.branch = branch;
    c.cseq = cseq;
    const sdp = [
      'v=0',
      `o=phone ${c.sessionId} 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${c.mediaPort} RTP/AVP 8`,
      'a=rtpmap:8 PCMA/8000',
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
    const lines = [
      `INVITE ${c.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=${branch};rport`,
      `From: <sip:${c.user}@${c.domain}>;tag=${c.fromTag}`,
      `To: <sip:${c.ext}@${c.domain}>`,
      `Call-ID: ${c.callId}`,
      `CSeq: ${cseq} INVITE`,
      `Contact: <sip:${c.user}@${local}>`,
      'Max-Forwards: 70',
      'User-Agent: prolope-bench',
      ...(auth ? [auth] : []),
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ];
    c.request = lines.join('\r\n');
    c.answered = false;
    c.tries = 0;
    retransmit(c);
  }

  function retransmit(c) {
    clearTimeout(c.timer);
    if (c.answered) return;
    if (c.tries > RETRANSMITS) {
      c.reject(new Error(`${c.callId}: no answer to the INVITE`));
      return;
    }
    send(c.request);
    c.timer = setTimeout(() => retransmit(c), 500 * 2 ** c.tries++);
  }

  function ack(c, msg, requestUri, branch) {
    send(
      [
        `ACK ${requestUri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${local};branch=${branch};rport`,
        `From: <sip:${c.user}@${c.domain}>;tag=${c.fromTag}`,
        `To: ${msg.h('to')}`,
        `Call-ID: ${c.callId}`,
        `CSeq: ${c.cseq} ACK`,
        ...msg
          .all('record-route')
          .reverse()
          .map((r) => `Route: ${r}`),
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  function reply(msg, status, reason) {
    send(
      [
        `SIP/2.0 ${status} ${reason}`,
        ...msg.all('via').map((v) => `Via: ${v}`),
        `From: ${msg.h('from')}`,
        `To: ${msg.h('to')}`,
        `Call-ID: ${msg.h('call-id')}`,
        `CSeq: ${msg.h('cseq')}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  socket.on('message', (buf) => {
    const msg = parse(buf.toString('utf8'));
    const c = calls.get(msg.h('call-id'));
    if (!msg.first.startsWith('SIP/2.0 ')) {
      // A request from Prolope: BYE ends the call; anything else in a dialog gets a plain 200.
      reply(msg, 200, 'OK');
      if (msg.first.startsWith('BYE ') && c) c.bye();
      return;
    }
    if (!c) return;
    const status = Number(msg.first.split(' ')[1]);
    const [cseq] = msg.h('cseq').split(' ');
    // A retransmitted challenge of the first INVITE (its ACK crossed it): that transaction is done.
    if (Number(cseq) !== c.cseq) return;
    if (status < 200) {
      c.answered = true;
      clearTimeout(c.timer);
      return;
    }
    c.answered = true;
    clearTimeout(c.timer);
    if (status >= 300) {
      // A non-2xx final answer is ACKed in its own transaction (same branch, §17.1.1.3).
      ack(c, msg, c.uri, c.branch);
      if ((status === 401 || status === 407) && c.cseq === 1) {
        const ch = challenge(msg.h(status === 401 ? 'www-authenticate' : 'proxy-authenticate'));
        const ha1 = md5(`${c.user}:${ch.realm}:${c.password}`);
        const ha2 = md5(`INVITE:${c.uri}`);
        const qop = ch.qop
          ?.split(',')
          .map((q) => q.trim())
          .includes('auth')
          ? 'auth'
          : undefined;
        const cnonce = token();
        const response = qop ? md5(`${ha1}:${ch.nonce}:00000001:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${ch.nonce}:${ha2}`);
        const fields = [`username="${c.user}"`, `realm="${ch.realm}"`, `nonce="${ch.nonce}"`, `uri="${c.uri}"`, `response="${response}"`, 'algorithm=MD5'];
        if (qop) fields.push('qop=auth', 'nc=00000001', `cnonce="${cnonce}"`);
        if (ch.opaque !== undefined) fields.push(`opaque="${ch.opaque}"`);
        invite(c, 2, `${status === 401 ? 'Authorization' : 'Proxy-Authorization'}: Digest ${fields.join(', ')}`);
        return;
      }
      c.reject(new Error(`${c.callId}: ${msg.first}`));
      return;
    }
    // 200: ACK it (again, if it is a retransmission) towards the callee's Contact.
    const contact = /<([^>]+)>/.exec(msg.h('contact'))?.[1] ?? c.uri;
    ack(c, msg, contact, `z9hG4bK${token()}`);
    const port = Number(/^m=audio (\d+)/m.exec(msg.body)?.[1]);
    if (port) c.resolve(port);
    else c.reject(new Error(`${c.callId}: 200 without an audio port`));
  });

  return {
    /** Places a call from `user` (digest with `password`) to extension `ext` in `domain`, media at 127.0.0.1:`mediaPort`. */
    call({ host = '127.0.0.1', port, user, password, domain, ext, mediaPort }) {
      server = { host, port };
      const c = { user, password, domain, ext, mediaPort, uri: `sip:${ext}@${domain}`, callId: `${token()}@bench`, fromTag: token(), sessionId: Date.now() };
      c.ended = new Promise((resolve) => {
        c.bye = resolve;
      });
      const answered = new Promise((resolve, reject) => {
        c.resolve = resolve;
        c.reject = reject;
      });
      calls.set(c.callId, c);
      invite(c, 1);
      return { callId: c.callId, answered, ended: c.ended };
    },
    close() {
      for (const c of calls.values()) clearTimeout(c.timer);
      socket.close();
    },
  };
}
