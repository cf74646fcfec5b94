import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpPorts, tone } from '../media/index.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { openRtpengineMedia } from './rtpengine-media.js';
import { RtpengineNg } from './rtpengine-ng.js';

/**
 * The far end's hold and resume as the calls domain sees them on this backend (RtpengineMedia.hold),
 * against a REAL rtpengine whose answer to the resume is held back: the hold state follows rtpengine's
 * answers, never an offer still on its way (the resume race: a prompt played while rtpengine still had
 * the call on hold ended the call, issue 16).
 */
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';
const offerSdp = (port: number, version: number, direction = 'sendrecv') =>
  `v=0\r\no=pbx 1 ${version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=${direction}\r\n`;

describe.skipIf(!binary && !strict)('hold and resume through a real rtpengine (RtpengineMedia.hold)', () => {
  let daemon: RtpengineDaemon;
  let real: RtpengineNg;
  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    daemon = await startRtpengine(binary, [36500, 36599], ['--delete-delay=0']);
    real = new RtpengineNg({ host: '127.0.0.1', port: daemon.ngPort });
  });
  afterAll(async () => {
    real?.close();
    await daemon?.stop();
  });

  it('counts the caller held only once rtpengine answered the hold, and resumed only once it answered the resume; a prompt meanwhile does not fail', async () => {
    const caller = createSocket('udp4');
    await new Promise<void>((resolve) => caller.bind(0, '127.0.0.1', resolve));
    const port = caller.address().port;
    // rtpengine's `answer` waits for the test to let it go, so the test sees the call mid re-offer.
    let gate: Promise<void> | undefined;
    let refuse = false;
    const ng = {
      command: async (name: Parameters<RtpengineNg['command']>[0], params: Parameters<RtpengineNg['command']>[1]) => {
        if (name === 'answer' && gate) await gate;
        // What an rtpengine that cannot take the offer does (e.g. out of ports): the command fails.
        if (name === 'offer' && refuse) throw new Error('rtpengine offer failed: Ran out of ports');
        return real.command(name, params);
      },
    } as unknown as RtpengineNg;
    const media = await openRtpengineMedia({
      ng,
      callId: 'hold-race',
      fromTag: 'caller-hold-race',
      offerSdp: offerSdp(port, 1),
      dtmfPayloadType: 101,
      leg: { bindAddress: '127.0.0.1', ports: new RtpPorts(), portRange: [36700, 36799] },
    });
    const changes: boolean[] = [];
    media.hold.onChange((h) => changes.push(h));
    try {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      const holding = media.reoffer(offerSdp(port, 2, 'sendonly'));
      // rtpengine has the offer but has not answered: not yet held.
      await new Promise((resolve) => setImmediate(resolve));
      expect(media.hold.held).toBe(false);
      release();
      expect(await holding).toMatch(/^a=recvonly\r?$/m);
      expect(media.hold.held).toBe(true);

      gate = new Promise<void>((resolve) => (release = resolve));
      const resuming = media.reoffer(offerSdp(port, 3));
      // The resume is on its way to rtpengine, which still has the call on hold: a prompt now passes
      // (in silence) instead of failing the call, and the call still counts as held.
      await media.play(tone(440, 60));
      expect(media.hold.held).toBe(true);
      release();
      expect(await resuming).toMatch(/^a=sendrecv\r?$/m);
      expect(media.hold.held).toBe(false);

      // A hold rtpengine refuses (the re-INVITE gets 488) leaves the state as it was (RFC 3261 §14.2).
      gate = undefined;
      refuse = true;
      await expect(media.reoffer(offerSdp(port, 4, 'sendonly'))).rejects.toThrow(/Ran out of ports/);
      expect(media.hold.held).toBe(false);
      expect(changes).toEqual([true, false]);
    } finally {
      await media.close();
      caller.close();
    }
  });
});
