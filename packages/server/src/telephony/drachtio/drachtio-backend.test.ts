import { afterEach, describe, expect, it } from 'vitest';
import { digestHa1, SIP_REALM } from '../digest-ha1.js';
import type { CallEnd, SipInboundCall } from '../backend.js';
import { digestResponse } from '../sip/digest-auth.js';
import { SourceGuard } from '../source-guard.js';
import { RtpPorts } from '../media/udp-port.js';
import { createDrachtioBackend, type DrachtioBackend, sipPortOf } from './drachtio-backend.js';
import { DrachtioServerDouble, inviteText, outOfDialogText, requestText } from './drachtio-server-double.test-helper.js';

/**
 * Wire level: the real drachtio-srf in the adapter talks to a scripted drachtio-server double over
 * TCP, which delivers INVITEs and records the SIP the adapter asks it to send.
 */
const logger = { info() {}, warn() {}, error() {} };
const SDP =
  'v=0\r\no=pbx 1 1 IN IP4 203.0.113.7\r\ns=-\r\nc=IN IP4 203.0.113.7\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
const ANSWER = 'v=0\r\no=prolope 1 1 IN IP4 127.0.0.1\r\ns=Prolope\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 36000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n';

let double: DrachtioServerDouble | undefined;
let backend: DrachtioBackend | undefined;

afterEach(async () => {
  await backend?.stop();
  await double?.close();
  backend = undefined;
  double = undefined;
});

async function connected(
  handler: (call: SipInboundCall) => Promise<void>,
  guard?: SourceGuard,
): Promise<{ double: DrachtioServerDouble; backend: DrachtioBackend }> {
  double = new DrachtioServerDouble('s3cret');
  const port = await double.listen();
  backend = createDrachtioBackend({
    drachtio: { host: '127.0.0.1', port, secret: 's3cret' },
    rtpengine: { host: '127.0.0.1', port: 9 }, rtpPorts: new RtpPorts(),
    ackTimeoutMs: 500,
    logger,
    ...(guard ? { guard } : {}),
  });
  backend.onInvite(handler);
  const { sipPort } = await backend.start();
  expect(sipPort).toBe(5060);
  expect(double.authenticated).toBe(true);
  return { double, backend };
}

describe('drachtio backend (wire protocol, scripted drachtio-server)', () => {
  it('rejects start() clearly when drachtio-server is unreachable or refuses the secret', async () => {
    const closed = createDrachtioBackend({ drachtio: { host: '127.0.0.1', port: 1, secret: 'x' }, rtpengine: { host: '127.0.0.1', port: 9 }, rtpPorts: new RtpPorts(), logger });
    await expect(closed.start()).rejects.toThrow(/cannot connect to drachtio-server at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    await closed.stop();

    double = new DrachtioServerDouble('right');
    const port = await double.listen();
    const wrong = createDrachtioBackend({ drachtio: { host: '127.0.0.1', port, secret: 'wrong' }, rtpengine: { host: '127.0.0.1', port: 9 }, rtpPorts: new RtpPorts(), logger });
    await expect(wrong.start()).rejects.toThrow(/failed to authenticate/);
    await wrong.stop();
  });

  it('challenge() → 401 with an MD5 and a SHA-256 WWW-Authenticate; the retry verifies', async () => {
    const verified: boolean[] = [];
    const ha1 = digestHa1('trunk1', SIP_REALM, 'pw');
    const { double } = await connected(async (call) => {
      if (!call.credentials) return call.challenge();
      verified.push(call.verifyDigest(ha1), call.verifyDigest(digestHa1('trunk1', SIP_REALM, 'wrong')));
      return call.reject(403);
    });
    double.deliver(inviteText({ callId: 'c-auth', sdp: SDP }));
    const challenge = await double.waitFor((m) => m.status === 401);
    const values = challenge.all('www-authenticate');
    expect(values).toHaveLength(2);
    expect(values[0]).toMatch(/^Digest realm="prolope", nonce="[0-9a-f]+\.[0-9a-f]{16}\.[0-9a-f]{64}", algorithm=MD5, qop="auth"$/);
    expect(values[1]).toMatch(/algorithm=SHA-256/);

    const nonce = /nonce="([^"]+)"/.exec(values[0]!)![1]!;
    const uri = 'sip:+4930123456@127.0.0.1:5060';
    const response = digestResponse({ ha1: ha1.md5, algorithm: 'MD5', method: 'INVITE', uri, nonce, qop: 'auth', nc: '00000001', cnonce: 'abc' });
    const authorization = `Digest username="trunk1", realm="prolope", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"`;
    double.deliver(inviteText({ callId: 'c-auth-2', sdp: SDP, authorization, cseq: 2 }));
    await double.waitFor((m) => m.status === 403);
    expect(verified).toEqual([true, false]);
  });

  it('counts failed authentications per source; a banned source gets 403 before the handler sees its INVITE', async () => {
    const bans: string[] = [];
    const guard = new SourceGuard({ maxFailures: 2, windowMs: 60_000, banMs: 600_000, onBan: (b) => bans.push(b.address) });
    const seen: string[] = [];
    const { double } = await connected(async (call) => {
      seen.push(call.callId);
      call.authFailed();
      await call.reject(403);
    }, guard);
    const guesser = { address: '198.51.100.66', port: 5060 };
    for (const callId of ['g-1', 'g-2', 'g-3']) double.deliver(inviteText({ callId, sdp: SDP }), guesser);
    const refusals = () => double.sent.filter((m) => m.status === 403).length;
    await double.waitFor(() => refusals() === 3);
    expect(bans).toEqual(['198.51.100.66']);
    expect(seen).toEqual(['g-1', 'g-2']);
    // Another source is still served.
    double.deliver(inviteText({ callId: 'other-1', sdp: SDP }), { address: '198.51.100.67', port: 5060 });
    await double.waitFor(() => refusals() === 4);
    expect(seen).toEqual(['g-1', 'g-2', 'other-1']);
  });

  it('answers OPTIONS 200 with Allow, and the other methods drachtio-server routes outside a dialog 405; BYE outside a dialog stays 481', async () => {
    const seen: string[] = [];
    const { double } = await connected(async (call) => {
      seen.push(call.callId);
      await call.reject(486);
    });
    double.deliver(outOfDialogText('OPTIONS', 'ka-1'));
    const ok = await double.waitFor((m) => m.header('call-id') === 'ka-1');
    expect(ok.by).toBeUndefined();
    expect(ok.status).toBe(200);
    expect(ok.header('allow')).toBe('INVITE, ACK, CANCEL, BYE, OPTIONS');
    for (const method of ['REGISTER', 'MESSAGE', 'INFO', 'NOTIFY', 'SUBSCRIBE', 'PUBLISH']) {
      double.deliver(outOfDialogText(method, `ood-${method}`));
      const res = await double.waitFor((m) => m.header('call-id') === `ood-${method}`);
      expect({ method, status: res.status, allow: res.header('allow') }).toEqual({ method, status: 405, allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS' });
    }
    double.deliver(outOfDialogText('BYE', 'stray-bye'));
    expect(await double.waitFor((m) => m.header('call-id') === 'stray-bye')).toMatchObject({ status: 481, by: 'server' });
    expect(seen).toEqual([]);
  });

  it('refuses OPTIONS from a banned source with 403', async () => {
    const guard = new SourceGuard({ maxFailures: 1, windowMs: 60_000, banMs: 600_000 });
    guard.recordFailure('198.51.100.66');
    const { double } = await connected(async (call) => call.reject(486), guard);
    double.deliver(outOfDialogText('OPTIONS', 'ka-banned'), { address: '198.51.100.66', port: 5060 });
    expect((await double.waitFor((m) => m.header('call-id') === 'ka-banned')).status).toBe(403);
  });

  it('routes on the Request-URI, not the To header', async () => {
    const seen: SipInboundCall[] = [];
    const { double } = await connected(async (call) => {
      seen.push(call);
      await call.reject(404);
    });
    double.deliver(inviteText({ callId: 'c-ruri', sdp: SDP }).replace('To: <sip:+4930123456@', 'To: <sip:+4930555555@'));
    await double.waitFor((m) => m.status === 404);
    expect(seen[0]?.requestUser).toBe('+4930123456');
  });

  it('reject(488) → 488 with the reason and headers; the SipInboundCall carries source, users and SDP', async () => {
    const seen: SipInboundCall[] = [];
    const { double } = await connected(async (call) => {
      seen.push(call);
      await call.reject(488, 'Not Acceptable Here', { Warning: '399 prolope "no PCMA"' });
    });
    double.deliver(inviteText({ callId: 'c-488', sdp: SDP, from: '+4930999', to: '+4930123456' }), { address: '198.51.100.9', port: 5080 });
    const res = await double.waitFor((m) => m.status === 488);
    expect(res.raw).toMatch(/^SIP\/2\.0 488 Not Acceptable Here\r\n/);
    expect(res.header('warning')).toBe('399 prolope "no PCMA"');
    const call = seen[0]!;
    expect(call.callId).toBe('c-488');
    expect(call.source).toEqual({ address: '198.51.100.9', port: 5080 });
    expect(call.requestUri).toBe('sip:+4930123456@127.0.0.1:5060');
    expect(call.requestUser).toBe('+4930123456');
    expect(call.fromUser).toBe('+4930999');
    expect(call.sdp).toBe(SDP);
    expect(call.credentials).toBeUndefined();
  });

  it('progress() → 183 with SDP, answer() → 200 with SDP resolved by the ACK; the caller’s BYE ends it', async () => {
    const ends: CallEnd[] = [];
    let answered = false;
    const { double } = await connected(async (call) => {
      call.onEnd((e) => ends.push(e));
      await call.progress(ANSWER);
      await call.answer(ANSWER);
      answered = true;
    });
    double.deliver(inviteText({ callId: 'c-ok', sdp: SDP }));
    const early = await double.waitFor((m) => m.status === 183);
    expect(early.body).toBe(ANSWER);
    expect(early.header('content-type')).toBe('application/sdp');
    const ok = await double.waitFor((m) => m.status === 200);
    expect(ok.body).toBe(ANSWER);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false); // still waiting for the ACK
    double.deliver(requestText('ACK', 'c-ok'), undefined, double.dialogOf('c-ok'));
    await expect.poll(() => answered).toBe(true);

    // In the dialog: drachtio-srf answers INFO 200 itself; a REFER is refused 501 as on the embedded
    // endpoint (no transfer is done, so no 2xx that would promise one), with what we do allow.
    double.deliver(requestText('INFO', 'c-ok', 5), undefined, double.dialogOf('c-ok'));
    expect((await double.waitFor((m) => m.status !== undefined && /INFO/.test(m.header('cseq') ?? ''))).status).toBe(200);
    double.deliver(requestText('REFER', 'c-ok', 6), undefined, double.dialogOf('c-ok'));
    const refer = await double.waitFor((m) => m.status !== undefined && /REFER/.test(m.header('cseq') ?? ''));
    expect({ status: refer.status, allow: refer.header('allow') }).toEqual({ status: 501, allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS' });

    double.deliver(requestText('BYE', 'c-ok', 7), undefined, double.dialogOf('c-ok'));
    await expect.poll(() => ends).toEqual([{ by: 'caller', cause: 'normal' }]);
    // drachtio-srf answers the BYE 200 itself.
    await double.waitFor((m) => m.status === 200 && /BYE/.test(m.header('cseq') ?? ''));
  });

  it('hangup() after the ACK sends BYE; hangup() before answering sends 480', async () => {
    const { double } = await connected(async (call) => {
      if (call.callId === 'c-early') return call.hangup();
      await call.answer(ANSWER);
      await call.hangup();
    });
    double.deliver(inviteText({ callId: 'c-bye', sdp: SDP }));
    await double.waitFor((m) => m.status === 200);
    double.deliver(requestText('ACK', 'c-bye'), undefined, double.dialogOf('c-bye'));
    const bye = await double.waitFor((m) => m.method === 'BYE');
    expect(bye.dialogId).toBe(double.dialogOf('c-bye'));

    double.deliver(inviteText({ callId: 'c-early', sdp: SDP }));
    await double.waitFor((m) => m.status === 480);
  });

  it('a CANCEL ends the call as canceled; a missing ACK fails answer() and BYEs; a throwing handler answers 500', async () => {
    const ends = new Map<string, CallEnd>();
    const errors = new Map<string, string>();
    const { double } = await connected(async (call) => {
      call.onEnd((e) => ends.set(call.callId, e));
      if (call.callId === 'c-boom') throw new Error('boom');
      await call.progress(ANSWER);
      if (call.callId === 'c-noack') await call.answer(ANSWER).catch((err: Error) => errors.set(call.callId, err.message));
      else await new Promise((r) => setTimeout(r, 300));
    });
    double.deliver(inviteText({ callId: 'c-cancel', sdp: SDP }));
    await double.waitFor((m) => m.status === 183 && m.header('call-id') === 'c-cancel');
    double.deliver(requestText('CANCEL', 'c-cancel'));
    await expect.poll(() => ends.get('c-cancel')).toEqual({ by: 'caller', cause: 'canceled', sipCode: 487 });

    double.deliver(inviteText({ callId: 'c-noack', sdp: SDP }));
    await expect.poll(() => errors.get('c-noack'), { timeout: 2000 }).toBe('no ACK for 200 OK');
    expect(ends.get('c-noack')).toEqual({ by: 'system', cause: 'error' });
    await double.waitFor((m) => m.method === 'BYE' && m.dialogId === double.dialogOf('c-noack'));

    double.deliver(inviteText({ callId: 'c-boom', sdp: SDP }));
    await double.waitFor((m) => m.status === 500 && m.header('call-id') === 'c-boom');
  });

  it('reads the SIP port from drachtio-server’s hostport', () => {
    expect(sipPortOf('udp/10.0.0.5:5080,tcp/10.0.0.5:5080')).toBe(5080);
    expect(sipPortOf(undefined)).toBe(0);
  });
});
