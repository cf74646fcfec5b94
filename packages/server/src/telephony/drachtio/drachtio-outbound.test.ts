import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallEnd, DialAnswered, DialFailure, DialOptions, OutboundCall } from '../backend.js';
import { digestResponse, parseDigestCredentials } from '../sip/digest-auth.js';
import { decodePcma, decodeRtp, encodeRtp, type RtpPacket, toPcmaFrames, tone , RtpPorts } from '../media/index.js';
import { createDrachtioBackend, type DrachtioBackend } from './drachtio-backend.js';
import { DrachtioServerDouble } from './drachtio-server-double.test-helper.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { RtpengineNg } from './rtpengine-ng.js';
import { sdpAudioAddress } from './sdp-media-address.js';

/**
 * Outbound calls on the drachtio backend: the real drachtio-srf sends INVITEs to the scripted
 * drachtio-server double, which plays the far end (the test scripts its responses), while a real
 * rtpengine anchors the media between our media plane's session and a UDP socket playing the callee.
 */
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';
if (!binary && !strict) {
  console.warn('drachtio-outbound.test: skipped — no `rtpengine` binary (apt-get install rtpengine-daemon); PROLOPE_TEST_STRICT=1 makes this a failure');
}

const RTPENGINE_PORTS: [number, number] = [37000, 37199];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The far end's media: a UDP socket whose address goes into its SDP answer. */
class Callee {
  readonly packets: RtpPacket[] = [];
  private seq = 1;
  private ts = 0;
  private constructor(readonly socket: Socket) {
    socket.on('message', (m) => {
      const p = decodeRtp(m);
      if (p) this.packets.push(p);
    });
  }
  static async open(): Promise<Callee> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new Callee(s);
  }
  answer(codecs = 'PCMA'): string {
    const pcma = codecs === 'PCMA';
    return [
      'v=0',
      'o=callee 7 7 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${this.socket.address().port} RTP/AVP ${pcma ? '8 101' : '0'}`,
      pcma ? 'a=rtpmap:8 PCMA/8000' : 'a=rtpmap:0 PCMU/8000',
      ...(pcma ? ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'] : []),
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
  }
  /** Talks `ms` of a tone to `to` as paced PCMA; answers what a recording of it must hold. */
  async talk(to: { address: string; port: number }, hz: number, ms: number): Promise<Int16Array> {
    const frames = toPcmaFrames(tone(hz, ms));
    for (const payload of frames) {
      this.socket.send(
        encodeRtp({ payloadType: 8, sequenceNumber: this.seq++, timestamp: this.ts, ssrc: 0xcafe, marker: false, payload }),
        to.port,
        to.address,
      );
      this.ts += 160;
      await sleep(20);
    }
    const bytes = new Uint8Array(frames.length * 160);
    for (const [i, f] of frames.entries()) bytes.set(f, i * 160);
    return decodePcma(bytes);
  }
  close(): void {
    this.socket.close();
  }
}

describe.skipIf(!binary && !strict)('drachtio backend: outbound calls (scripted far end, real rtpengine)', () => {
  let daemon: RtpengineDaemon;
  let ng: RtpengineNg;
  let double: DrachtioServerDouble;
  let backend: DrachtioBackend;
  const callees: Callee[] = [];

  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    // --delete-delay=0: `delete` forgets the call at once, so a test can see it is gone.
    daemon = await startRtpengine(binary, RTPENGINE_PORTS, ['--delete-delay=0']);
    ng = new RtpengineNg({ host: '127.0.0.1', port: daemon.ngPort });
  });
  afterAll(async () => {
    ng?.close();
    await daemon?.stop();
  });

  async function connect(): Promise<void> {
    double = new DrachtioServerDouble();
    const port = await double.listen();
    backend = createDrachtioBackend({
      drachtio: { host: '127.0.0.1', port, secret: double.secret },
      rtpengine: { host: '127.0.0.1', port: daemon.ngPort },
      rtpPorts: new RtpPorts(),
      media: { bindAddress: '127.0.0.1', portRange: [37200, 37299], recordingDir: daemon.recordingDir },
      logger: { info() {}, warn() {}, error() {} },
    });
    await backend.start();
  }
  afterEach(async () => {
    await backend?.stop();
    await double?.close();
    for (const c of callees.splice(0)) c.close();
  });

  async function callee(): Promise<Callee> {
    const c = await Callee.open();
    callees.push(c);
    return c;
  }

  function dial(callId: string, extra: Partial<DialOptions> = {}): { call: OutboundCall; progress: number[]; ends: CallEnd[] } {
    const call = backend.dial({
      callId,
      requestUri: 'sip:+35929876543@carrier.example.com:5060',
      destination: { address: '198.51.100.20', port: 5070 },
      fromUser: '+35921234567',
      ringTimeoutMs: 5000,
      ...extra,
    });
    const progress: number[] = [];
    const ends: CallEnd[] = [];
    call.onProgress((s) => progress.push(s));
    call.onEnd((e) => ends.push(e));
    return { call, progress, ends };
  }

  const inviteOf = (callId: string, nth = 0) =>
    double.waitFor(
      (m) =>
        m.method === 'INVITE' &&
        m.header('call-id') === callId &&
        double.sent.filter((x) => x.method === 'INVITE' && x.header('call-id') === callId).indexOf(m) === nth,
    );
  const goneFromRtpengine = (callId: string) => expect(ng.command('query', { 'call-id': callId })).rejects.toThrow(/Unknown call-id/i);

  it('answered: the INVITE carries the full number, caller ID, Call-ID and rtpengine’s offer; 200 → ACK; media plays, hears and records through rtpengine; our hangup sends BYE', async () => {
    await connect();
    const far = await callee();
    const { call, progress, ends } = dial('out-ok');
    const invite = await inviteOf('out-ok');
    expect(invite.raw.startsWith('INVITE sip:+35929876543@carrier.example.com:5060 SIP/2.0\r\n')).toBe(true);
    expect(invite.target).toBe('sip:198.51.100.20:5070');
    expect(invite.header('from')).toMatch(/^<sip:\+35921234567@127\.0\.0\.1:5060>;tag=[0-9a-f]{16}$/);
    expect(invite.header('call-id')).toBe('out-ok');
    expect(invite.header('content-type')).toBe('application/sdp');
    // The offer is rtpengine's (its port range, not our leg's), still PCMA + telephone-event at 20 ms.
    const offered = sdpAudioAddress(invite.body)!;
    expect(offered.port).toBeGreaterThanOrEqual(RTPENGINE_PORTS[0]);
    expect(offered.port).toBeLessThanOrEqual(RTPENGINE_PORTS[1]);
    expect(invite.body).toMatch(/m=audio \d+ RTP\/AVP 8 101\r\n/);
    expect(invite.body).toMatch(/a=ptime:20/);

    double.respond(invite, 180);
    await expect.poll(() => progress).toEqual([180]);
    double.respond(invite, 200, { sdp: far.answer() });
    const outcome = (await call.outcome) as DialAnswered;
    expect(outcome.ok).toBe(true);
    const ack = await double.waitFor((m) => m.method === 'ACK');
    expect(ack.dialogId).toBe(double.dialogOf('out-ok'));

    const media = outcome.media;
    expect(media.local).toEqual(offered);
    // Far end → rtpengine → our leg, recorded by rtpengine (its file appears once it records).
    const rec = media.startRecording();
    await expect.poll(async () => (await readdir(join(daemon.recordingDir, 'pcaps'))).filter((n) => n.startsWith('out-ok-')).length).toBe(1);
    const said = await far.talk(offered, 440, 400);
    // Our leg heard it all, so rtpengine captured it all before the stop.
    await expect.poll(() => media.stats().packetsReceived).toBe(20);
    expect(await rec.stop()).toEqual(said);
    // Our prompt (played by our session) → rtpengine → the far end; our DTMF → rtpengine → the far end.
    await media.play(tone(300, 200));
    await media.sendDtmf('5', 100);
    await expect.poll(() => far.packets.filter((p) => p.payloadType === 101 && p.payload[0] === 5).length).toBeGreaterThan(0);
    expect(far.packets.filter((p) => p.payloadType === 8).length).toBeGreaterThanOrEqual(9);

    await call.hangup();
    const bye = await double.waitFor((m) => m.method === 'BYE');
    expect(bye.dialogId).toBe(double.dialogOf('out-ok'));
    await media.close();
    await goneFromRtpengine('out-ok');
    expect(ends).toEqual([]); // our own hangup is not reported as an end
  });

  it('the callee’s hold re-INVITE (a=sendonly) goes to rtpengine: the 200 carries its answer (a=recvonly) on the same port, and the call counts the callee held (hold music for the caller)', async () => {
    await connect();
    const far = await callee();
    const { call } = dial('out-hold');
    const invite = await inviteOf('out-hold');
    const offered = sdpAudioAddress(invite.body)!;
    double.respond(invite, 200, { sdp: far.answer() });
    const outcome = (await call.outcome) as DialAnswered;
    expect(outcome.ok).toBe(true);
    expect(outcome.hold?.held).toBe(false);
    await double.waitFor((m) => m.method === 'ACK');
    const sdp = far.answer().replace('o=callee 7 7', 'o=callee 7 8').replace('a=sendrecv', 'a=sendonly');
    const reinvite = [
      'INVITE sip:127.0.0.1:5060 SIP/2.0',
      'Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK-far-hold',
      'Max-Forwards: 70',
      `From: ${invite.header('to')};tag=callee-tag`,
      `To: ${invite.header('from')}`,
      'Call-ID: out-hold',
      'CSeq: 1 INVITE',
      'Contact: <sip:callee@203.0.113.9:5060>',
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ].join('\r\n');
    double.deliver(reinvite, { address: '203.0.113.9', port: 5060 }, double.dialogOf('out-hold'));
    const ok = await double.waitFor((m) => m.status !== undefined && m.header('cseq') === '1 INVITE');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^a=recvonly\r?$/m);
    expect(sdpAudioAddress(ok.body)).toEqual(offered);
    expect(outcome.hold?.held).toBe(true);
    await call.hangup();
    await outcome.media.close();
  });

  it('401 → the INVITE again with a valid digest Authorization (answered once: a second 401 fails the call)', async () => {
    await connect();
    const far = await callee();
    const { call } = dial('out-auth', { credentials: { username: 'trunk7', password: 'pa55' } });
    const first = await inviteOf('out-auth');
    double.respond(first, 401, { headers: { 'WWW-Authenticate': 'Digest realm="carrier.example.com", nonce="n0nce42", qop="auth", algorithm=MD5' } });
    const retry = await inviteOf('out-auth', 1);
    expect(retry.header('cseq')).toBe('2 INVITE');
    expect(retry.header('from')).toBe(first.header('from'));
    expect(retry.body).toBe(first.body);
    const creds = parseDigestCredentials(retry.header('authorization') ?? '')!;
    expect(creds).toMatchObject({
      username: 'trunk7',
      realm: 'carrier.example.com',
      nonce: 'n0nce42',
      uri: 'sip:+35929876543@carrier.example.com:5060',
      qop: 'auth',
    });
    const ha1 = createHash('md5').update('trunk7:carrier.example.com:pa55').digest('hex');
    const expected = digestResponse({
      ha1,
      algorithm: 'MD5',
      method: 'INVITE',
      uri: creds.uri,
      nonce: 'n0nce42',
      qop: 'auth',
      nc: creds.nc!,
      cnonce: creds.cnonce!,
    });
    expect(creds.response).toBe(expected);
    double.respond(retry, 200, { sdp: far.answer() });
    const outcome = (await call.outcome) as DialAnswered;
    expect(outcome.ok).toBe(true);
    await call.hangup();
    await outcome.media.close();

    const again = dial('out-auth-twice', { credentials: { username: 'trunk7', password: 'wrong' } });
    const a1 = await inviteOf('out-auth-twice');
    double.respond(a1, 401, { headers: { 'WWW-Authenticate': 'Digest realm="carrier.example.com", nonce="n1", qop="auth", algorithm=MD5' } });
    const a2 = await inviteOf('out-auth-twice', 1);
    double.respond(a2, 401, { headers: { 'WWW-Authenticate': 'Digest realm="carrier.example.com", nonce="n2", qop="auth", algorithm=MD5' } });
    expect(await again.call.outcome).toEqual({ ok: false, status: 401, reason: 'Unauthorized', local: false });
    await sleep(100);
    expect(double.sent.filter((m) => m.method === 'INVITE' && m.header('call-id') === 'out-auth-twice')).toHaveLength(2);
    await goneFromRtpengine('out-auth-twice');
  });

  it('486 → failure 486 from the far end; rtpengine forgets the call', async () => {
    await connect();
    const { call, progress } = dial('out-busy');
    const invite = await inviteOf('out-busy');
    double.respond(invite, 183);
    double.respond(invite, 486);
    expect(await call.outcome).toEqual({ ok: false, status: 486, reason: 'Busy Here', local: false });
    expect(progress).toEqual([183]);
    await goneFromRtpengine('out-busy');
  });

  it('ring timeout → CANCEL → failure 408 (ours)', async () => {
    await connect();
    const started = Date.now();
    const { call, progress } = dial('out-ring', { ringTimeoutMs: 400 });
    double.respond(await inviteOf('out-ring'), 180);
    const cancel = await double.waitFor((m) => m.method === 'CANCEL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(cancel.txnId).toBe((await inviteOf('out-ring')).txnId);
    const outcome = (await call.outcome) as DialFailure;
    expect(outcome).toMatchObject({ ok: false, status: 408, local: true, cause: 'ring_timeout' });
    expect(progress).toEqual([180]);
    await goneFromRtpengine('out-ring');
  });

  it('hangup() before the answer → CANCEL → failure 487 (ours); right after dial() no INVITE leaves at all', async () => {
    await connect();
    const early = dial('out-never');
    await early.call.hangup();
    expect(await early.call.outcome).toEqual({ ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' });
    await goneFromRtpengine('out-never');

    const { call } = dial('out-cancel');
    double.respond(await inviteOf('out-cancel'), 183);
    await sleep(50);
    await call.hangup();
    await double.waitFor((m) => m.method === 'CANCEL');
    expect(await call.outcome).toEqual({ ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' });
    await goneFromRtpengine('out-cancel');
    expect(double.sent.filter((m) => m.header('call-id') === 'out-never')).toEqual([]);
  });

  it('a BYE from the far end → onEnd (callee, normal), answered 200', async () => {
    await connect();
    const far = await callee();
    const { call, ends } = dial('out-farbye');
    const invite = await inviteOf('out-farbye');
    double.respond(invite, 200, { sdp: far.answer() });
    const outcome = (await call.outcome) as DialAnswered;
    expect(outcome.ok).toBe(true);
    double.farEndBye(invite);
    await expect.poll(() => ends).toEqual([{ by: 'callee', cause: 'normal' }]);
    await double.waitFor((m) => m.status === 200 && /BYE/.test(m.header('cseq') ?? ''));
    await call.hangup(); // nothing left to end: no BYE of ours
    await outcome.media.close();
    expect(double.sent.filter((m) => m.method === 'BYE')).toEqual([]);
    await goneFromRtpengine('out-farbye');
  });

  it('an answer without PCMA → BYE and failure 488 (ours)', async () => {
    await connect();
    const far = await callee();
    const { call } = dial('out-pcmu');
    const invite = await inviteOf('out-pcmu');
    double.respond(invite, 200, { sdp: far.answer('PCMU') });
    const outcome = (await call.outcome) as DialFailure;
    expect(outcome).toMatchObject({ ok: false, status: 488, local: true, cause: 'unacceptable_answer', reason: 'the far end answered PCMU' });
    await double.waitFor((m) => m.method === 'BYE' && m.dialogId === double.dialogOf('out-pcmu'));
    await goneFromRtpengine('out-pcmu');
  });
});
