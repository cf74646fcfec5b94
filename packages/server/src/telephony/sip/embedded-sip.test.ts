import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { digestHa1 } from '../digest-ha1.js';
import type { CallEnd, SipInboundCall } from '../backend.js';
import { SourceGuard } from '../source-guard.js';
import { digestResponse } from './digest-auth.js';
import { EmbeddedSip } from './embedded-sip.js';
import { getHeader, getHeaders, type SipMessage } from './sip-message.js';
import { eventually, isRequest, isResponse, SipTestClient } from './sip-test-client.js';

// Small timers: 64*T1 = 640 ms, so transaction tables drain quickly.
const TIMERS = { t1: 10, t2: 40, t4: 50 };
const SDP_OFFER = 'v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 8\na=rtpmap:8 PCMA/8000\n';
const SDP_ANSWER = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 41000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n';

let sip: EmbeddedSip | undefined;
let client: SipTestClient | undefined;

afterEach(async () => {
  await client?.close();
  await sip?.stop();
  client = undefined;
  sip = undefined;
});

async function setup(handler?: (call: SipInboundCall) => Promise<void>) {
  sip = new EmbeddedSip({ host: '127.0.0.1', port: 0, timers: TIMERS });
  if (handler) sip.onInvite(handler);
  const { sipPort } = await sip.start();
  client = await SipTestClient.open(sipPort);
  return { sip, client };
}

interface ReqOpts {
  method?: string;
  branch?: string;
  callId?: string;
  cseq?: number;
  toTag?: string;
  body?: string;
  uri?: string;
}

function request(c: SipTestClient, o: ReqOpts = {}): string {
  const method = o.method ?? 'INVITE';
  const body = o.body ?? (method === 'INVITE' ? SDP_OFFER : '');
  const uri = o.uri ?? `sip:+33123456789@127.0.0.1:${c.serverPort}`;
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${c.port};branch=${o.branch ?? 'z9hG4bK-b1'};rport`,
    'Max-Forwards: 70',
    `From: "Alice" <sip:+33999@127.0.0.1:${c.port}>;tag=from1`,
    `To: <sip:+33123456789@127.0.0.1>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? 'call-1'}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    `Contact: <sip:alice@127.0.0.1:${c.port}>`,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body.replace(/\r?\n/g, '\r\n'))}`,
    '',
    body,
  ].join('\n');
}

const toTagOf = (m: SipMessage) => m.to.params.tag!;
const nonceOf = (challenge: SipMessage) => /nonce="([^"]+)"/.exec(getHeader(challenge, 'www-authenticate')!)![1]!;

/** The Authorization header a PBX sends for trunk1 (qop=auth, nc 1) to the default Request-URI. */
function authorization(c: SipTestClient, nonce: string, password = 'pw'): string {
  const uri = `sip:+33123456789@127.0.0.1:${c.serverPort}`;
  const response = digestResponse({
    ha1: digestHa1('trunk1', 'prolope', password).md5,
    algorithm: 'MD5',
    method: 'INVITE',
    uri,
    nonce,
    qop: 'auth',
    nc: '00000001',
    cnonce: 'c0ffee',
  });
  return `Authorization: Digest username="trunk1", realm="prolope", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee"`;
}

/** OPTIONS round trip, retransmitted like a real UAC until answered (UDP may drop under load). */
async function probe(c: SipTestClient, callId: string): Promise<void> {
  const msg = request(c, { method: 'OPTIONS', branch: `z9hG4bK-${callId}`, callId });
  for (let attempt = 0; attempt < 20; attempt++) {
    c.send(msg);
    try {
      await c.waitFor((m) => isResponse(200, 'OPTIONS')(m) && m.callId === callId, 1, 250);
      return;
    } catch {
      // lost; retransmit
    }
  }
  throw new Error(`no answer to OPTIONS ${callId}`);
}

async function drained(s: EmbeddedSip) {
  await eventually(() => {
    const st = s.stats();
    return st.serverTransactions === 0 && st.clientTransactions === 0 && st.dialogs === 0;
  });
}

describe('EmbeddedSip over real UDP', () => {
  it('answers OPTIONS with Allow/Accept, and a retransmission with the same bytes', async () => {
    const { sip, client } = await setup();
    client.send(request(client, { method: 'OPTIONS' }));
    const [ok] = await client.waitFor(isResponse(200, 'OPTIONS'));
    expect(getHeader(ok!, 'allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS');
    expect(getHeader(ok!, 'accept')).toBe('application/sdp');
    expect(getHeader(ok!, 'via')).toContain(`rport=${client.port}`);
    client.send(request(client, { method: 'OPTIONS' }));
    const both = await client.waitFor(isResponse(200, 'OPTIONS'), 2);
    expect(toTagOf(both[1]!)).toBe(toTagOf(both[0]!));
    expect(sip.stats().serverTransactions).toBe(1);
    await drained(sip);
  });

  it('INVITE: 100 while the handler thinks, same response to a retransmission, 183, 200 until ACK, BYE answered', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const ends: CallEnd[] = [];
    let answered = false;
    let seen: SipInboundCall | undefined;
    const { sip, client } = await setup(async (call) => {
      seen = call;
      call.onEnd((e) => ends.push(e));
      await gate;
      await call.progress(SDP_ANSWER);
      await call.answer(SDP_ANSWER);
      answered = true;
    });
    client.send(request(client));
    await client.waitFor(isResponse(100));
    client.send(request(client)); // retransmission while the handler thinks
    await client.waitFor(isResponse(100), 2);
    expect(sip.stats().dialogs).toBe(1);
    expect(seen).toMatchObject({
      callId: 'call-1',
      requestUser: '+33123456789',
      fromUser: '+33999',
      credentials: undefined,
      source: { address: '127.0.0.1', port: client.port },
    });
    expect(seen!.sdp).toContain('m=audio 40000');

    release();
    const [p183] = await client.waitFor(isResponse(183));
    expect(p183!.body.toString()).toBe(SDP_ANSWER);
    expect(getHeader(p183!, 'contact')).toBe(`<sip:127.0.0.1:${client.serverPort}>`);
    // No ACK yet: the 200 is retransmitted (T1, 2T1, ...).
    const oks = await client.waitFor(isResponse(200, 'INVITE'), 3);
    expect(new Set(oks.map(toTagOf)).size).toBe(1);
    expect(toTagOf(oks[0]!)).toBe(toTagOf(p183!));
    // A retransmitted INVITE after the 2xx is absorbed and gets the 200 again, not a new call.
    const before = client.count(isResponse(200, 'INVITE'));
    client.send(request(client));
    await client.waitFor(isResponse(200, 'INVITE'), before + 1);
    expect(sip.stats().dialogs).toBe(1);

    const tag = toTagOf(oks[0]!);
    client.send(request(client, { method: 'ACK', branch: 'z9hG4bK-ack', toTag: tag, body: '' }));
    await eventually(() => answered);

    client.send(request(client, { method: 'BYE', branch: 'z9hG4bK-bye', toTag: tag, cseq: 2 }));
    await client.waitFor(isResponse(200, 'BYE'));
    expect(ends).toEqual([{ by: 'caller', cause: 'normal' }]);
    // The 200 retransmissions stopped with the ACK: count stays put while the tables drain.
    const final200 = client.count(isResponse(200, 'INVITE'));
    await drained(sip);
    expect(client.count(isResponse(200, 'INVITE'))).toBe(final200);
    // A BYE for the now-gone dialog gets 481.
    client.send(request(client, { method: 'BYE', branch: 'z9hG4bK-bye2', toTag: tag, cseq: 3 }));
    await client.waitFor(isResponse(481, 'BYE'));
  });

  it('a failure final to a caller that has not authenticated goes out once: again only for a retransmitted INVITE, never on Timer G', async () => {
    const { sip, client } = await setup((call) => call.reject(486, 'Busy Here'));
    client.send(request(client));
    await client.waitFor(isResponse(486));
    client.send(request(client)); // the INVITE retransmitted (our 486 was "lost")
    await client.waitFor(isResponse(486), 2);
    // Timer H ends the transaction without an ACK; Timer G would have sent ~6 more copies by then.
    await drained(sip);
    expect(client.count(isResponse(486))).toBe(2);
    expect(client.count(isResponse(100))).toBe(0);
  });

  it('a failure final after authentication is retransmitted until the ACK, which ends the transaction', async () => {
    const ha1 = digestHa1('trunk1', 'prolope', 'pw');
    const { sip, client } = await setup(async (call) => {
      if (!call.credentials) return call.challenge();
      if (!call.verifyDigest(ha1)) return call.reject(403);
      await call.reject(486, 'Busy Here');
    });
    client.send(request(client));
    const [challenge] = await client.waitFor(isResponse(401));
    client.send(request(client, { branch: 'z9hG4bK-b2', cseq: 2 }).replace('Max-Forwards: 70', `Max-Forwards: 70\n${authorization(client, nonceOf(challenge!))}`));
    const busy = await client.waitFor(isResponse(486), 3);
    expect(sip.stats().dialogs).toBe(0);
    client.send(request(client, { method: 'ACK', branch: 'z9hG4bK-b2', cseq: 2, toTag: toTagOf(busy[0]!), body: '' })); // same branch as the INVITE
    client.send(request(client, { method: 'ACK', toTag: toTagOf(challenge!), body: '' }));
    await drained(sip);
  });

  it('a captured Authorization does not work on a new Call-ID (nonce count replay), nor from another address', async () => {
    const ha1 = digestHa1('trunk1', 'prolope', 'pw');
    const results: Array<[string, boolean]> = [];
    const { client } = await setup(async (call) => {
      if (!call.credentials) return call.challenge();
      results.push([call.callId, call.verifyDigest(ha1)]);
      await call.reject(486);
    });
    client.send(request(client, { callId: 'call-a' }));
    const [challenge] = await client.waitFor(isResponse(401));
    const auth = authorization(client, nonceOf(challenge!));
    client.send(request(client, { callId: 'call-a', branch: 'z9hG4bK-a2', cseq: 2 }).replace('Max-Forwards: 70', `Max-Forwards: 70\n${auth}`));
    await client.waitFor((m) => isResponse(486)(m) && m.callId === 'call-a');
    // The attacker's copy: same Authorization, new call.
    client.send(request(client, { callId: 'call-b', branch: 'z9hG4bK-b9', cseq: 2 }).replace('Max-Forwards: 70', `Max-Forwards: 70\n${auth}`));
    await client.waitFor((m) => isResponse(486)(m) && m.callId === 'call-b');
    // And from another port of another client: the nonce was issued to 127.0.0.1, so only the count stops it there;
    // the address binding is covered in digest-auth.test.ts.
    expect(results).toEqual([
      ['call-a', true],
      ['call-b', false],
    ]);
  });

  it('routes on the Request-URI, not the To header', async () => {
    const seen: SipInboundCall[] = [];
    const { client } = await setup(async (call) => {
      seen.push(call);
      await call.reject(404);
    });
    client.send(request(client, { uri: `sip:+35929876543@127.0.0.1:${client.serverPort}` }));
    await client.waitFor(isResponse(404));
    expect(seen[0]?.requestUser).toBe('+35929876543');
    expect(seen[0]?.requestUri).toBe(`sip:+35929876543@127.0.0.1:${client.serverPort}`);
  });

  it('INVITE with Replaces (RFC 3891): parsed for the handler, `Require: replaces` accepted; one naming no dialog gets 400 and no call', async () => {
    const seen: SipInboundCall[] = [];
    const { client } = await setup(async (call) => {
      seen.push(call);
      await call.reject(481);
    });
    const withHeaders = (msg: string, ...headers: string[]) => msg.replace('Max-Forwards: 70', ['Max-Forwards: 70', ...headers].join('\n'));
    client.send(withHeaders(request(client, { branch: 'z9hG4bK-bad', callId: 'bad' }), 'Replaces: abc@host;to-tag=1'));
    const [bad] = await client.waitFor(isResponse(400));
    expect(bad?.kind === 'response' && bad.reason).toBe('Bad Replaces');
    client.send(withHeaders(request(client, { branch: 'z9hG4bK-good', callId: 'good' }), 'Replaces: abc@host;to-tag=1;from-tag=2', 'Require: replaces'));
    await client.waitFor(isResponse(481));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.replaces).toEqual({ callId: 'abc@host', toTag: '1', fromTag: '2', earlyOnly: false });
  });

  it('bans a source after failed authentications: its datagrams are then dropped unread, other sources still served', async () => {
    const bans: string[] = [];
    const guard = new SourceGuard({ maxFailures: 3, windowMs: 60_000, banMs: 600_000, onBan: (b) => bans.push(b.address) });
    sip = new EmbeddedSip({ host: '127.0.0.1', port: 0, timers: TIMERS, guard });
    sip.onInvite(async (call) => {
      if (!call.credentials) return call.challenge();
      call.authFailed();
      await call.reject(403);
    });
    client = await SipTestClient.open((await sip.start()).sipPort);
    const c = client;
    c.send(request(c, { callId: 'guess-0' }));
    const [challenge] = await c.waitFor(isResponse(401));
    const nonce = nonceOf(challenge!);
    for (let i = 1; i <= 3; i++) {
      c.send(request(c, { callId: `guess-${i}`, branch: `z9hG4bK-g${i}` }).replace('Max-Forwards: 70', `Max-Forwards: 70\n${authorization(c, nonce, 'wrong')}`));
      await c.waitFor((m) => isResponse(403)(m) && m.callId === `guess-${i}`);
    }
    expect(bans).toEqual(['127.0.0.1']);
    const answered = c.received.length;
    c.send(request(c, { callId: 'guess-4', branch: 'z9hG4bK-g4' }).replace('Max-Forwards: 70', `Max-Forwards: 70\n${authorization(c, nonce)}`));
    c.send(request(c, { method: 'OPTIONS', callId: 'probe', branch: 'z9hG4bK-probe' }));
    await eventually(() => sip!.stats().bannedDropped === 2);
    expect(c.received.length).toBe(answered);
  });

  it('gives up on a never-ACKed 200: onEnd(system), answer() rejects, BYE sent', async () => {
    const ends: CallEnd[] = [];
    let answerError: Error | undefined;
    const { sip, client } = await setup(async (call) => {
      call.onEnd((e) => ends.push(e));
      await call.answer(SDP_ANSWER).catch((e: Error) => {
        answerError = e;
      });
    });
    client.send(request(client));
    const [bye] = await client.waitFor(isRequest('BYE'));
    expect(ends).toEqual([{ by: 'system', cause: 'error' }]);
    expect(answerError?.message).toMatch(/no ACK/);
    expect(bye!.from.params.tag).toBe(client.received.find(isResponse(200))!.to.params.tag);
    expect(getHeader(bye!, 'cseq')).toBe('1 BYE');
    await drained(sip);
  });

  it('hangup(): BYE retransmitted until answered', async () => {
    let call!: SipInboundCall;
    const { sip, client } = await setup(async (c) => {
      call = c;
      await c.answer(SDP_ANSWER);
    });
    client.send(request(client));
    const [ok] = await client.waitFor(isResponse(200, 'INVITE'));
    client.send(request(client, { method: 'ACK', branch: 'z9hG4bK-ack', toTag: toTagOf(ok!), body: '' }));
    await eventually(() => call !== undefined && sip.stats().dialogs === 1);
    const done = call.hangup();
    const byes = await client.waitFor(isRequest('BYE'), 3);
    const bye = byes[0]!;
    expect(new Set(byes.map((b) => b.vias[0]!.params.branch)).size).toBe(1);
    const v = getHeader(bye, 'via')!;
    client.send(
      [
        'SIP/2.0 200 OK',
        `Via: ${v}`,
        `From: ${getHeader(bye, 'from')}`,
        `To: ${getHeader(bye, 'to')}`,
        `Call-ID: ${bye.callId}`,
        'CSeq: 1 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\n'),
    );
    await done;
    await drained(sip);
  });

  it('CANCEL before the answer: 200 to CANCEL, 487 to INVITE, onEnd(canceled)', async () => {
    const ends: CallEnd[] = [];
    const { sip, client } = await setup(async (call) => {
      call.onEnd((e) => ends.push(e));
      await call.progress(SDP_ANSWER);
    });
    client.send(request(client));
    await client.waitFor(isResponse(183));
    client.send(request(client, { method: 'CANCEL', body: '' }));
    await client.waitFor(isResponse(200, 'CANCEL'));
    const [terminated] = await client.waitFor(isResponse(487, 'INVITE'));
    expect(ends).toEqual([{ by: 'caller', cause: 'canceled', sipCode: 487 }]);
    client.send(request(client, { method: 'ACK', toTag: toTagOf(terminated!), body: '' }));
    // A CANCEL for nothing gets 481.
    client.send(request(client, { method: 'CANCEL', branch: 'z9hG4bK-nothing', body: '' }));
    await client.waitFor(isResponse(481, 'CANCEL'));
    await drained(sip);
  });

  it('in-dialog: re-INVITE with the same SDP → 200 same SDP, changed SDP → 488, unknown method → 501', async () => {
    const { sip, client } = await setup((call) => call.answer(SDP_ANSWER));
    client.send(request(client));
    const [ok] = await client.waitFor(isResponse(200, 'INVITE'));
    const tag = toTagOf(ok!);
    client.send(request(client, { method: 'ACK', branch: 'z9hG4bK-ack', toTag: tag, body: '' }));
    client.send(request(client, { branch: 'z9hG4bK-re1', toTag: tag, cseq: 2 }));
    const [re] = await client.waitFor((m) => isResponse(200, 'INVITE')(m) && m.cseq.seq === 2);
    expect(re!.body.toString()).toBe(SDP_ANSWER);
    client.send(request(client, { method: 'ACK', branch: 'z9hG4bK-ack2', toTag: tag, cseq: 2, body: '' }));
    client.send(request(client, { branch: 'z9hG4bK-re2', toTag: tag, cseq: 3, body: SDP_OFFER.replace('40000', '40002') }));
    await client.waitFor(isResponse(488, 'INVITE'));
    client.send(request(client, { method: 'INFO', branch: 'z9hG4bK-info', toTag: tag, cseq: 4 }));
    const [ni] = await client.waitFor(isResponse(501, 'INFO'));
    expect(getHeader(ni!, 'allow')).toContain('BYE');
    client.send(request(client, { method: 'REGISTER', branch: 'z9hG4bK-reg' }));
    await client.waitFor(isResponse(405, 'REGISTER'));
    client.send(request(client, { method: 'BYE', branch: 'z9hG4bK-bye', toTag: tag, cseq: 5 }));
    await client.waitFor(isResponse(200, 'BYE'));
    await drained(sip);
  });

  it('handler that throws: 500 and the call ends cleanly', async () => {
    const ends: CallEnd[] = [];
    const { sip, client } = await setup(async (call) => {
      call.onEnd((e) => ends.push(e));
      throw new Error('boom');
    });
    client.send(request(client));
    await client.waitFor(isResponse(500, 'INVITE'));
    expect(ends).toEqual([{ by: 'system', cause: 'error', sipCode: 500 }]);
    await drained(sip);
  });

  it('a merged request (same INVITE forked to us via another branch) gets 482', async () => {
    const { sip, client } = await setup((call) => call.progress(SDP_ANSWER));
    client.send(request(client));
    await client.waitFor(isResponse(183));
    client.send(request(client, { branch: 'z9hG4bK-fork2' }));
    await client.waitFor(isResponse(482));
    expect(sip.stats().dialogs).toBe(1);
  });

  it('an expired nonce is re-challenged with stale=true and does not verify', async () => {
    const clock = manualClock('2025-01-01T00:00:00Z');
    const results: boolean[] = [];
    sip = new EmbeddedSip({ host: '127.0.0.1', port: 0, timers: TIMERS, clock });
    sip.onInvite(async (call) => {
      if (call.credentials) results.push(call.verifyDigest(digestHa1('trunk1', 'prolope', 'pw')));
      await call.challenge();
    });
    client = await SipTestClient.open((await sip.start()).sipPort);
    const c = client;
    c.send(request(c));
    const [first] = await c.waitFor(isResponse(401));
    const nonce = /nonce="([^"]+)"/.exec(getHeader(first!, 'www-authenticate')!)![1]!;
    clock.advance(6 * 60 * 1000);
    const uri = `sip:+33123456789@127.0.0.1:${c.serverPort}`;
    const response = digestResponse({ ha1: digestHa1('trunk1', 'prolope', 'pw').md5, algorithm: 'MD5', method: 'INVITE', uri, nonce });
    const auth = `Authorization: Digest username="trunk1", realm="prolope", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`;
    c.send(request(c, { branch: 'z9hG4bK-retry', cseq: 2 }).replace('Max-Forwards: 70', `Max-Forwards: 70\n${auth}`));
    const [second] = await c.waitFor((m) => isResponse(401)(m) && m.cseq.seq === 2);
    expect(getHeaders(second!, 'www-authenticate').every((h) => h.endsWith(', stale=true'))).toBe(true);
    expect(results).toEqual([false]);
  });

  it('no handler: 503', async () => {
    const { sip, client } = await setup();
    client.send(request(client));
    await client.waitFor(isResponse(503));
    await drained(sip);
  });

  it('challenge → 401 with MD5 and SHA-256 digest challenges', async () => {
    const { client } = await setup((call) => call.challenge());
    client.send(request(client));
    const [r] = await client.waitFor(isResponse(401));
    const auth = getHeaders(r!, 'www-authenticate');
    expect(auth).toHaveLength(2);
    expect(auth[0]).toMatch(/^Digest realm="prolope", nonce="[0-9a-f]+\.[0-9a-f]{16}\.[0-9a-f]{64}", algorithm=MD5, qop="auth"$/);
    expect(auth[1]).toContain('algorithm=SHA-256');
  });

  it('malformed requests: 400 when a Via is usable, dropped otherwise, and counted', async () => {
    const { sip, client } = await setup();
    client.send(request(client, { method: 'OPTIONS' }).replace(/CSeq:[^\n]*\n/, ''));
    // The 400 cannot carry a CSeq it never got, so it is checked as text.
    const bad = await client.waitForRaw(/^SIP\/2\.0 400 /);
    expect(bad).toMatch(/^SIP\/2\.0 400 Bad Request \(missing CSeq\)\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK-b1;rport=\d+\r\n/);
    client.send(Buffer.from([0, 1, 2, 3, 0xff]));
    client.send('NOT SIP AT ALL\n\n');
    client.send('\r\n\r\n'); // keep-alive: not counted as malformed
    client.send(request(client, { method: 'OPTIONS', branch: 'z9hG4bK-after' }));
    await client.waitFor(isResponse(200, 'OPTIONS'));
    expect(sip.stats()).toMatchObject({ malformed: 3, badRequestsAnswered: 1, malformedDropped: 2 });
  });

  it('survives 1000 random and garbled datagrams, then still answers OPTIONS with empty tables', async () => {
    const { sip, client } = await setup((call) => call.reject(403));
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const templates = ['INVITE', 'OPTIONS', 'BYE', 'CANCEL', 'ACK'].map((m, i) =>
      Buffer.from(request(client, { method: m, branch: `z9hG4bK-f${i}`, callId: `fuzz-${i}` }).replace(/\r?\n/g, '\r\n')),
    );
    for (let i = 0; i < 1000; i++) {
      let b: Buffer;
      const kind = rnd();
      if (kind < 0.3) b = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 1400) }, () => Math.floor(rnd() * 256)));
      else {
        b = Buffer.from(templates[Math.floor(rnd() * templates.length)]!);
        for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        if (kind > 0.8) b = b.subarray(0, Math.floor(rnd() * b.length));
      }
      client.send(b);
      // Flow control: loopback UDP drops what overflows the socket buffer, so pace with a round trip.
      if (i % 25 === 24) await probe(client, `probe-${i}`);
    }
    await probe(client, 'alive');
    expect(sip.stats().messagesIn).toBeGreaterThanOrEqual(1000);
    expect(sip.stats().malformed).toBeGreaterThan(300);
    expect(sip.stats().handlerErrors).toBe(0);
    await drained(sip);
  });
});
