import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaSession } from '../backend.js';
import { RtpPorts, tone } from '../media/index.js';
import { askReceiver, machineBaseline, receivedAll, startPacingReceiver } from '../media/pacing-receiver.test-helper.js';
import { LOOPBACK } from '../media/test-helpers.js';
import { createDrachtioBackend, type DrachtioBackend } from './drachtio-backend.js';
import { DrachtioServerDouble, inviteText } from './drachtio-server-double.test-helper.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { sdpAudioAddress } from './sdp-media-address.js';

/**
 * Issue 16's acceptance for prompts on the drachtio backend: rtpengine is the edge relay and our media
 * plane (media workers) plays the prompts behind it, so 100 concurrent calls' prompts reach the callers
 * 20 ms apart (p99 of |interval - 20 ms| within 5 ms, every frame of every call). Before, rtpengine's own
 * `play media` sent them about 10 ms apart with gaps of 60-116 ms.
 *
 * The calls come through the drachtio-server double (INVITE, 183 with rtpengine's address) into a real
 * rtpengine; every offer names the same caller address (PBXs behind one NAT do), where one receiver, in a
 * process of its own, times each packet by SSRC. First the machine is measured without rtpengine (the same
 * number of worker sessions sending straight to the receiver): when even that misses 20 ms by more than
 * 5 ms, other processes hold the cores, and the test says so and skips.
 */
const CALLS = 100;
const FRAMES = 100; // 2 s of prompt per call
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';
const logger = { info() {}, warn() {}, error() {} };
const sdpAt = (port: number) =>
  `v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n`;

describe.skipIf(!binary && !strict)('prompt pacing on the drachtio backend (rtpengine in front of our media plane)', () => {
  let daemon: RtpengineDaemon;
  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    // log-level 4: 100 calls at level 6 would fill the captured output with per-call lines.
    daemon = await startRtpengine(binary, [41000, 41999], ['--delete-delay=0', '--log-level=4']);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it(`plays ${CALLS} concurrent calls' prompts through rtpengine at 20 ms (p99 within 5 ms)`, async (ctx) => {
    const workers = availableParallelism();
    const receiver = startPacingReceiver();
    const { port } = await new Promise<{ port: number }>((resolve) => receiver.once('message', resolve));

    // The machine, without rtpengine: as many worker sessions, straight to the receiver.
    const baseline = await machineBaseline(receiver, port, { calls: CALLS, workers, range: [43000, 43999] });
    console.info(`${CALLS} calls straight from the media workers: p99 |interval - 20 ms| = ${baseline.p99.toFixed(2)} ms`);

    const double = new DrachtioServerDouble();
    const backend: DrachtioBackend = createDrachtioBackend({
      drachtio: { host: '127.0.0.1', port: await double.listen(), secret: double.secret },
      rtpengine: { host: '127.0.0.1', port: daemon.ngPort, checkIntervalMs: 0 },
      rtpPorts: new RtpPorts(),
      media: { bindAddress: LOOPBACK, portRange: [42000, 42999], workers },
      logger,
    });
    // Each call's media once open, and what ends the call (the handler waits for it).
    const opened: MediaSession[] = [];
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const failures: unknown[] = [];
    const handled: Array<Promise<void>> = [];
    backend.onInvite((call, offer) => {
      const handling = (async () => {
        try {
          if (!offer.ok) throw new Error(offer.reason);
          const { media, progress } = await offer.open();
          opened.push(media);
          await progress();
          await ended;
          await media.close();
          await call.reject(486);
        } catch (err) {
          failures.push(err);
        }
      })();
      handled.push(handling);
      return handling;
    });
    try {
      await backend.start();
      for (let i = 0; i < CALLS; i++) double.deliver(inviteText({ callId: `pacing-${i}`, sdp: sdpAt(port) }));
      // Every call got its 183, advertising rtpengine (not our media plane) to the caller.
      for (let i = 0; i < CALLS; i++) {
        const early = await double.waitFor((m) => m.status === 183 && m.header('call-id') === `pacing-${i}`, 20_000);
        expect(sdpAudioAddress(early.body)?.port).toBeGreaterThanOrEqual(41000);
      }
      expect(failures).toEqual([]);
      expect(opened).toHaveLength(CALLS);

      // A first prompt warms the workers and rtpengine up (a server runs for days); then the measured one.
      // Each phase is taken once every packet has arrived (some are still in rtpengine when the plays end).
      await Promise.all(opened.map((m) => m.play(tone(440, 1000))));
      await receivedAll(receiver, CALLS * 50);
      const warm = await askReceiver(receiver, 'reset');
      expect(warm.streams).toBe(CALLS);
      await Promise.all(opened.map((m) => m.play(tone(440, FRAMES * 20))));
      await receivedAll(receiver, CALLS * FRAMES);
      const measured = await askReceiver(receiver, 'reset');
      console.info(
        `${CALLS} calls on drachtio, prompts from our media plane through rtpengine: p99 |interval - 20 ms| = ${measured.p99.toFixed(2)} ms, max ${measured.max.toFixed(2)} ms over ${measured.intervals} intervals`,
      );
      // rtpengine's hop needs room under the 5 ms: with the workers alone already past 3 ms (an idle machine
      // gives about 2), the machine's own noise, not the relay, decides the figure (with three busy loops on
      // two cores: 4.31 ms alone, 5.52 ms through rtpengine; idle: 2.26 and 2.37 ms).
      if (baseline.p99 > 3) {
        ctx.skip(`this machine is too busy to measure: p99 ${baseline.p99.toFixed(2)} ms already without rtpengine (needs 3 ms or less)`);
        return;
      }
      // One stream per call (its own SSRC), each with the whole prompt, none lost in rtpengine.
      expect(measured.streams).toBe(CALLS);
      expect(measured.counts.every((n) => n === FRAMES)).toBe(true);
      expect(measured.p99).toBeLessThanOrEqual(5);
    } finally {
      end();
      await Promise.all(handled);
      await receiver.terminate();
      await backend.stop();
      await double.close();
    }
  });
});
