import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnsweringMedia } from '../backend.js';
import { decodeRtp, RtpPorts, tone } from '../media/index.js';
import { createDrachtioBackend, type DrachtioBackend } from './drachtio-backend.js';
import { DrachtioServerDouble, inviteText } from './drachtio-server-double.test-helper.js';
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
    let pcma = 0;
    caller.on('message', (m) => {
      if (decodeRtp(m)?.payloadType === 8) pcma++;
    });
    const double = new DrachtioServerDouble();
    const backend = await started(double);
    let failure: unknown;
    backend.onInvite(async (call, offer) => {
      try {
        if (!offer.ok) throw new Error(offer.reason);
        const { media, progress } = await offer.open();
        await progress();
        await media.play(tone(440, 200));
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
      expect(pcma).toBeGreaterThanOrEqual(8);
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
});
