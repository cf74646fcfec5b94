import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnswer, decodeRtp, tone , RtpPorts } from '../media/index.js';
import { createDrachtioBackend } from './drachtio-backend.js';
import { DrachtioServerDouble, inviteText } from './drachtio-server-double.test-helper.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { sdpAudioAddress } from './sdp-media-address.js';

/**
 * Both halves together, as the calls domain drives them: an INVITE through the drachtio double,
 * openMedia(remote from the offer) through a real rtpengine, a 183 advertising rtpengine's port, a
 * prompt that reaches the caller's socket.
 */
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';

describe.skipIf(!binary && !strict)('drachtio backend with a real rtpengine', () => {
  let daemon: RtpengineDaemon;
  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    daemon = await startRtpengine(binary, [36600, 36699], ['--delete-delay=0']);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('matches openMedia to the INVITE by its offered address and advertises rtpengine in the 183', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    let pcma = 0;
    caller.on('message', (m) => {
      if (decodeRtp(m)?.payloadType === 8) pcma++;
    });
    const double = new DrachtioServerDouble();
    const port = await double.listen();
    const backend = createDrachtioBackend({
      drachtio: { host: '127.0.0.1', port, secret: double.secret },
      rtpengine: { host: '127.0.0.1', port: daemon.ngPort },
      rtpPorts: new RtpPorts(),
      media: { bindAddress: '127.0.0.1', portRange: [36800, 36899] },
      logger: { info() {}, warn() {}, error() {} },
    });
    let failure: unknown;
    backend.onInvite(async (call) => {
      try {
        const remote = sdpAudioAddress(call.sdp ?? '')!;
        const media = await backend.openMedia({ ...remote, dtmfPayloadType: 101 });
        await call.progress(buildAnswer(media.local, { dtmfPayloadType: 101 }));
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
      const sdp = `v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${caller.address().port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n`;
      double.deliver(inviteText({ callId: 'c-media', sdp }));
      const early = await double.waitFor((m) => m.status === 183);
      const advertised = sdpAudioAddress(early.body)!;
      expect(advertised.port).toBeGreaterThanOrEqual(36600);
      expect(advertised.port).toBeLessThanOrEqual(36699);
      await double.waitFor((m) => m.status === 486);
      expect(failure).toBeUndefined();
      expect(pcma).toBeGreaterThanOrEqual(8);
      // Once the handler returned, the finished INVITE is forgotten (the 486 can reach the double first).
      await new Promise((r) => setTimeout(r, 100));
      await expect(backend.openMedia({ address: '127.0.0.1', port: caller.address().port })).rejects.toThrow(/no INVITE in progress/);
    } finally {
      await backend.stop();
      await double.close();
      caller.close();
    }
  });
});
