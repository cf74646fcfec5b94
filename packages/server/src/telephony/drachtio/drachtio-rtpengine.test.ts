import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringMedia, HoldSignal } from '../backend.js';
import type { FastifyBaseLogger } from 'fastify';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { createBackend } from '../create-backend.js';
import { decodeRtp, encodeRtp, RtpPorts, tone } from '../media/index.js';
import { createDrachtioBackend, type DrachtioBackend } from './drachtio-backend.js';
import { DrachtioServerDouble, inviteText, reinviteText, requestText } from './drachtio-server-double.test-helper.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { RtpengineNg } from './rtpengine-ng.js';
import { sdpAudioAddress } from './sdp-media-address.js';

/**
 * Both halves together, as the calls domain drives them: an INVITE through the drachtio double, its
 * offer opened (InboundOffer.open) through a real rtpengine, a 183 advertising rtpengine's port, a
 * prompt that reaches the caller's socket.
 */
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';
const logger = { info() {}, warn() {}, error() {} };
const sdpAt = (port: number) =>
  `v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n`;

/**
 * Counts the PCMA packets a caller's socket receives; `reached(n)` settles once n have arrived. A prompt's
 * play() resolves when our session has sent its last packet, which may still be in rtpengine: the call
 * waits for the caller to have heard it before it closes the media (and rtpengine forgets the call).
 */
function pcmaCounter(socket: ReturnType<typeof createSocket>) {
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  socket.on('message', (m) => {
    if (decodeRtp(m)?.payloadType !== 8) return;
    count++;
    for (const w of waiters.filter((x) => count >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    get count() {
      return count;
    },
    reached(n: number): Promise<void> {
      return count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

describe.skipIf(!binary && !strict)('drachtio backend with a real rtpengine', () => {
  let daemon: RtpengineDaemon;
  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    daemon = await startRtpengine(binary, [36600, 36699], ['--delete-delay=0']);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  async function started(double: DrachtioServerDouble): Promise<DrachtioBackend> {
    const port = await double.listen();
    const backend = createDrachtioBackend({
      drachtio: { host: '127.0.0.1', port, secret: double.secret },
      rtpengine: { host: '127.0.0.1', port: daemon.ngPort },
      rtpPorts: new RtpPorts(),
      media: { bindAddress: '127.0.0.1', portRange: [36800, 36899] },
      logger,
    });
    return backend;
  }

  it('opens the INVITE’s own offer through rtpengine and advertises rtpengine in the 183', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    const pcma = pcmaCounter(caller);
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let failure: unknown;
    backend.onInvite(async (call, offer) => {
      try {
        if (!offer.ok) throw new Error(offer.reason);
        const { media, progress } = await offer.open();
        await progress();
        await media.play(tone(440, 200));
        await pcma.reached(8);
        await media.close();
        await call.reject(486);
      } catch (err) {
        failure = err;
        throw err;
      }
    });
    try {
      await backend.start();
      double.deliver(inviteText({ callId: 'c-media', sdp: sdpAt(caller.address().port) }));
      const early = await double.waitFor((m) => m.status === 183);
      const advertised = sdpAudioAddress(early.body)!;
      expect(advertised.port).toBeGreaterThanOrEqual(36600);
      expect(advertised.port).toBeLessThanOrEqual(36699);
      await double.waitFor((m) => m.status === 486);
      expect(failure).toBeUndefined();
      expect(pcma.count).toBeGreaterThanOrEqual(8);
      // Media is only ever found through its INVITE: the address an SDP offers names no call.
      await expect(backend.openMedia({ address: '127.0.0.1', port: caller.address().port })).rejects.toThrow(/through its INVITE/);
    } finally {
      await backend.stop();
      await double.close();
      caller.close();
    }
  });

  it('gives each of 20 concurrent INVITEs offering one media address (PBXs behind one NAT) its own rtpengine session, by Call-ID', async () => {
    const n = 20;
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    const ng = new RtpengineNg({ host: '127.0.0.1', port: daemon.ngPort });
    // Every INVITE arrives before any opens its media, as when a burst reaches the calls domain together.
    let arrived = 0;
    let allArrived!: () => void;
    const barrier = new Promise<void>((resolve) => (allArrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    backend.onInvite(async (call, offer) => {
      if (++arrived === n) allArrived();
      await barrier;
      if (!offer.ok) throw new Error(offer.reason);
      const answering: AnsweringMedia = await offer.open();
      await answering.progress();
      await released;
      await answering.media.close();
      await call.reject(486);
    });
    const callIds = Array.from({ length: n }, (_, i) => `shared-${i}`);
    try {
      await backend.start();
      for (const callId of callIds) double.deliver(inviteText({ callId, sdp: sdpAt(40000) }));
      const early = await Promise.all(callIds.map((id) => double.waitFor((m) => m.status === 183 && m.header('call-id') === id, 10_000)));
      // One rtpengine call per Call-ID, each with its own port toward the caller.
      const ports = early.map((m) => sdpAudioAddress(m.body)?.port);
      expect(new Set(ports).size).toBe(n);
      const known = await Promise.all(callIds.map((id) => ng.command('query', { 'call-id': id }).then(() => id, () => undefined)));
      expect(known).toEqual(callIds);
      release();
      await Promise.all(callIds.map((id) => double.waitFor((m) => m.status === 486 && m.header('call-id') === id, 10_000)));
    } finally {
      release();
      ng.close();
      await backend.stop();
      await double.close();
    }
  });

  it('takes a hold re-INVITE (sendonly, then c=0.0.0.0) and a resume to rtpengine: recvonly in the 200, media follows the resumed address', async () => {
    const before = createSocket('udp4');
    const after = createSocket('udp4');
    await Promise.all([before, after].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))));
    const pcmaAfter = pcmaCounter(after);
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let held!: () => void;
    const onHold = new Promise<void>((resolve) => (held = resolve));
    let resumed!: () => void;
    const resume = new Promise<void>((resolve) => (resumed = resolve));
    let failure: unknown;
    let holdSignal: HoldSignal | undefined;
    const holdChanges: boolean[] = [];
    backend.onInvite(async (call, offer) => {
      try {
        if (!offer.ok) throw new Error(offer.reason);
        const answering = await offer.open();
        // What the calls domain follows for hold music: rtpengine's answers to the caller's re-INVITEs.
        holdSignal = answering.hold;
        holdSignal?.onChange((h) => holdChanges.push(h));
        await answering.answer();
        // A prompt while the caller holds: rtpengine refuses to play to it, the prompt passes in silence.
        await onHold;
        await answering.media.play(tone(440, 100));
        await resume;
        await answering.media.play(tone(440, 200));
        await pcmaAfter.reached(8);
        await call.hangup();
        await answering.media.close();
      } catch (err) {
        failure = err;
        throw err;
      }
    });
    const callId = 'c-hold';
    const reinviteAnswer = (cseq: number) => double.waitFor((m) => m.status !== undefined && m.header('cseq') === `${cseq} INVITE`);
    try {
      await backend.start();
      double.deliver(inviteText({ callId, sdp: sdpAt(before.address().port) }));
      const ok = await double.waitFor((m) => m.status === 200);
      const anchored = sdpAudioAddress(ok.body)!;
      double.deliver(requestText('ACK', callId), undefined, double.dialogOf(callId));

      // Hold: rtpengine is offered sendonly and its answer (recvonly, same port) is what the 200 carries.
      double.deliver(reinviteText(callId, 2, sdpAt(before.address().port).replace('o=pbx 1 1', 'o=pbx 1 2').concat('a=sendonly\r\n')), undefined, double.dialogOf(callId));
      const hold = await reinviteAnswer(2);
      expect(hold.status).toBe(200);
      expect(hold.body).toMatch(/^a=recvonly\r?$/m);
      expect(hold.body).not.toMatch(/^a=sendrecv\r?$/m);
      expect(sdpAudioAddress(hold.body)).toEqual(anchored);
      expect(holdSignal?.held).toBe(true);
      double.deliver(requestText('ACK', callId, 2), undefined, double.dialogOf(callId));
      held();

      // The old RFC 2543 hold: c=0.0.0.0 is sendonly too.
      const old = sdpAt(before.address().port).replace('o=pbx 1 1', 'o=pbx 1 3').replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0');
      double.deliver(reinviteText(callId, 3, old), undefined, double.dialogOf(callId));
      const oldHold = await reinviteAnswer(3);
      expect(oldHold.status).toBe(200);
      expect(oldHold.body).toMatch(/^a=recvonly\r?$/m);
      double.deliver(requestText('ACK', callId, 3), undefined, double.dialogOf(callId));

      // Resume from another port: sendrecv again, and rtpengine now relays our prompt there.
      double.deliver(reinviteText(callId, 4, sdpAt(after.address().port).replace('o=pbx 1 1', 'o=pbx 1 4')), undefined, double.dialogOf(callId));
      const back = await reinviteAnswer(4);
      expect(back.status).toBe(200);
      expect(back.body).toMatch(/^a=sendrecv\r?$/m);
      expect(sdpAudioAddress(back.body)).toEqual(anchored);
      expect(holdSignal?.held).toBe(false);
      double.deliver(requestText('ACK', callId, 4), undefined, double.dialogOf(callId));
      resumed();
      await double.waitFor((m) => m.method === 'BYE', 5000);
      expect(failure).toBeUndefined();
      // Hold, still held (c=0.0.0.0), resumed: one change each way.
      expect(holdChanges).toEqual([true, false]);
      expect(pcmaAfter.count).toBeGreaterThanOrEqual(8);
    } finally {
      held();
      resumed();
      await backend.stop();
      await double.close();
      before.close();
      after.close();
    }
  });

  it('relays a hold re-INVITE that reaches drachtio-srf in the same read as the confirmation of our 200 (a busy drachtio-server)', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    backend.onInvite(async (_call, offer) => {
      if (!offer.ok) throw new Error(offer.reason);
      const answering = await offer.open();
      await answering.answer();
      await finished;
      await answering.media.close();
    });
    const callId = 'c-hold-same-read';
    const hold = sdpAt(caller.address().port).replace('o=pbx 1 1', 'o=pbx 1 2').concat('a=sendonly\r\n');
    try {
      await backend.start();
      double.behindAnswer(callId, [requestText('ACK', callId), reinviteText(callId, 2, hold)]);
      double.deliver(inviteText({ callId, sdp: sdpAt(caller.address().port) }));
      // drachtio-srf handles a re-INVITE at once: with our listener not yet on the new dialog, it
      // answered 200 with our first SDP (a=sendrecv) itself and rtpengine never heard of the hold.
      const answer = await double.waitFor((m) => m.status !== undefined && m.header('cseq') === '2 INVITE');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/^a=recvonly\r?$/m);
    } finally {
      done();
      await backend.stop();
      await double.close();
      caller.close();
    }
  });

  it('relays an UPDATE’s offer to rtpengine (hold: recvonly in the 200, then resume), and answers one without SDP with a bare 200', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const holdChanges: boolean[] = [];
    backend.onInvite(async (_call, offer) => {
      if (!offer.ok) throw new Error(offer.reason);
      const answering = await offer.open();
      answering.hold?.onChange((h) => holdChanges.push(h));
      await answering.answer();
      await finished;
      await answering.media.close();
    });
    const callId = 'c-update';
    const updateAnswer = (cseq: number) => double.waitFor((m) => m.status !== undefined && m.header('cseq') === `${cseq} UPDATE`);
    try {
      await backend.start();
      double.deliver(inviteText({ callId, sdp: sdpAt(caller.address().port) }));
      const ok = await double.waitFor((m) => m.status === 200);
      const anchored = sdpAudioAddress(ok.body)!;
      double.deliver(requestText('ACK', callId), undefined, double.dialogOf(callId));

      // drachtio-srf alone answered this 200 with our first SDP (a=sendrecv): the hold never reached rtpengine.
      const hold = sdpAt(caller.address().port).replace('o=pbx 1 1', 'o=pbx 1 2').concat('a=sendonly\r\n');
      double.deliver(reinviteText(callId, 2, hold, 'UPDATE'), undefined, double.dialogOf(callId));
      const held = await updateAnswer(2);
      expect(held.status).toBe(200);
      expect(held.body).toMatch(/^a=recvonly\r?$/m);
      expect(sdpAudioAddress(held.body)).toEqual(anchored);

      double.deliver(reinviteText(callId, 3, '', 'UPDATE'), undefined, double.dialogOf(callId));
      const refresh = await updateAnswer(3);
      expect(refresh.status).toBe(200);
      expect(refresh.body).toBe('');

      double.deliver(reinviteText(callId, 4, sdpAt(caller.address().port).replace('o=pbx 1 1', 'o=pbx 1 3'), 'UPDATE'), undefined, double.dialogOf(callId));
      const back = await updateAnswer(4);
      expect(back.status).toBe(200);
      expect(back.body).toMatch(/^a=sendrecv\r?$/m);
      expect(holdChanges).toEqual([true, false]);
    } finally {
      done();
      await backend.stop();
      await double.close();
      caller.close();
    }
  });

  it('answers an INVITE without SDP (delayed offer) with rtpengine’s offer in the 200 and takes the caller’s answer from the ACK', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    const pcma = pcmaCounter(caller);
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let failure: unknown;
    backend.onInvite(async (call, offer) => {
      try {
        if (!offer.ok) throw new Error(offer.reason);
        const answering = await offer.open();
        await answering.progress();
        await answering.answer();
        await answering.media.play(tone(440, 200));
        await pcma.reached(8);
        await call.hangup();
        await answering.media.close();
      } catch (err) {
        failure = err;
        throw err;
      }
    });
    const callId = 'c-delayed';
    try {
      await backend.start();
      double.deliver(inviteText({ callId }));
      const ok = await double.waitFor((m) => m.status !== undefined && m.status >= 200 && m.header('call-id') === callId);
      expect(ok.status).toBe(200);
      // Our offer, through rtpengine: its port, PCMA at 20 ms and telephone-event.
      expect(ok.body).toMatch(/m=audio \d+ RTP\/AVP 8 101\r\n/);
      const port = sdpAudioAddress(ok.body)?.port ?? 0;
      expect(port).toBeGreaterThanOrEqual(36600);
      expect(port).toBeLessThanOrEqual(36699);
      const answer = sdpAt(caller.address().port);
      const ack = requestText('ACK', callId).replace('Content-Length: 0\r\n', `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(answer)}\r\n`).concat(answer);
      double.deliver(ack, undefined, double.dialogOf(callId));
      await double.waitFor((m) => m.method === 'BYE', 5000);
      expect(failure).toBeUndefined();
      expect(pcma.count).toBeGreaterThanOrEqual(8);
    } finally {
      await backend.stop();
      await double.close();
      caller.close();
    }
  });

  it('ends a delayed-offer call whose ACK brings no SDP with our BYE, as a failure of the answer', async () => {
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let failure: unknown;
    backend.onInvite(async (_call, offer) => {
      if (!offer.ok) throw new Error(offer.reason);
      const answering = await offer.open();
      try {
        await answering.answer();
      } catch (err) {
        failure = err;
      } finally {
        await answering.media.close();
      }
    });
    const callId = 'c-delayed-no-answer';
    try {
      await backend.start();
      double.deliver(inviteText({ callId }));
      await double.waitFor((m) => m.status === 200 && m.header('call-id') === callId);
      double.deliver(requestText('ACK', callId), undefined, double.dialogOf(callId));
      await double.waitFor((m) => m.method === 'BYE', 5000);
      await expect.poll(() => String(failure)).toMatch(/the ACK has no SDP/);
    } finally {
      await backend.stop();
      await double.close();
    }
  });
  it('tells rtpengine the configured media address (PROLOPE_MEDIA_ADVERTISED_ADDRESS) when our legs bind a wildcard: the caller’s audio reaches our session', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    const double = new DrachtioServerDouble();
    const port = await double.listen();
    // A container's view: bound to every address, reached by rtpengine at one of them.
    const config = loadConfig({
      PROLOPE_TELEPHONY: 'drachtio',
      DRACHTIO_PORT: String(port),
      DRACHTIO_SECRET: double.secret,
      RTPENGINE_PORT: String(daemon.ngPort),
      RTPENGINE_CHECK_INTERVAL_MS: '0',
      PROLOPE_SIP_HOST: '0.0.0.0',
      PROLOPE_MEDIA_ADVERTISED_ADDRESS: '127.0.0.1',
      PROLOPE_RTP_PORTS: '36900-36999',
      PROLOPE_MEDIA_WORKERS: '0',
    });
    expect(config.mediaAdvertisedAddress).toBe('127.0.0.1');
    const backend = createBackend(config, systemClock, logger as unknown as FastifyBaseLogger, () => {}, new RtpPorts());
    let heard!: () => void;
    const reachedUs = new Promise<void>((resolve) => (heard = resolve));
    let failure: unknown;
    backend.onInvite(async (call, offer) => {
      try {
        if (!offer.ok) throw new Error(offer.reason);
        const { media, progress } = await offer.open();
        media.onAudio(() => heard());
        await progress();
        await reachedUs;
        await media.close();
        await call.reject(486);
      } catch (err) {
        failure = err;
        throw err;
      }
    });
    try {
      await backend.start();
      double.deliver(inviteText({ callId: 'c-advertised', sdp: sdpAt(caller.address().port) }));
      const early = await double.waitFor((m) => m.status === 183);
      const relay = sdpAudioAddress(early.body)!;
      // The caller talks until our session has heard it through rtpengine (never, with 0.0.0.0 advertised).
      let seq = 0;
      const talk = setInterval(() => {
        const packet = encodeRtp({ payloadType: 8, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0x1234, marker: seq === 0, payload: Buffer.alloc(160, 0xd5) });
        seq++;
        caller.send(packet, relay.port, relay.address);
      }, 20);
      try {
        await double.waitFor((m) => m.status === 486, 10_000);
      } finally {
        clearInterval(talk);
      }
      expect(failure).toBeUndefined();
    } finally {
      await backend.stop();
      await double.close();
      caller.close();
    }
  });
});
