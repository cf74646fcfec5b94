import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, rtpPeer, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import type { TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { CLAIMED_HZ, NEXT_HZ, toneIn, toneWav } from './live-prompt-fixtures.js';

/**
 * Issue 17's acceptance: "Takedown during playback stops the prompt within 100 ms on a live call".
 * A PBX (SIPp) calls a number playing a long stored prompt; the operator takes it down through the
 * API; the time from sending that request to the arrival of the prompt's last RTP packet at the
 * caller's socket is what is measured (API, store write, the playback registry, the media worker's
 * stop, the network on loopback). Functional behaviour is in takedown-live.test.ts.
 *
 * It first measures the machine without the takedown: an API round trip and the worst gap between
 * the prompt's packets. When those alone leave no room under 100 ms, the figure would be the other
 * processes', so the test skips, saying so.
 */
requireSipp('audio prompt takedown timing');

const TARGET_MS = 100;

describe.skipIf(!SIPP)('audio takedown timing on a live call', () => {
  const suite = callSuite('sqlite', { name: 'takedown-timing', numberBase: 8_650_000 });
  let t: TestServer;
  let c: CallSuite['c'];
  beforeAll(() => ({ t, c } = suite));

  it(`stops the prompt within ${TARGET_MS} ms of the takedown request`, async (ctx) => {
    const claimed = await c.api.post('/v1/audio', { name: 'long', content_base64: toneWav(CLAIMED_HZ, 40), rights_declaration: { accepted: true } });
    const next = await c.api.post('/v1/audio', { name: 'next', content_base64: toneWav(NEXT_HZ, 3), rights_declaration: { accepted: true } });
    const number = await suite.numberAnswering('takedown-timing', [
      { verb: 'play', audio_id: claimed.body.id },
      { verb: 'play', audio_id: next.body.id },
      { verb: 'pause', seconds: 30 },
    ]);
    const peer = await rtpPeer();
    // Arrival time and tone of every packet, taken as it arrives.
    const arrivals: Array<{ at: number; tone: ReturnType<typeof toneIn> }> = [];
    peer.socket.on('message', (msg) => {
      if (msg.length > 12 && (msg[1]! & 0x7f) === 8) arrivals.push({ at: performance.now(), tone: toneIn(Buffer.from(msg.subarray(12))) });
    });
    try {
      const running = runSipp(scenario('live-control.xml'), number, suite.sipPort, suite.auth(number, { rtpport: peer.port, codec: '8' }));
      await eventually(
        async () => arrivals.filter((a) => a.tone === 'claimed').length,
        (n) => n >= 100,
      );
      const call = await suite.callTo(number, (x) => x?.status === 'in_progress');

      // The machine without the takedown: an API round trip, and the worst gap between prompt packets.
      const rtts: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await c.api.get(`/v1/audio/${claimed.body.id}`);
        rtts.push(performance.now() - start);
      }
      const playing = arrivals.filter((a) => a.tone === 'claimed');
      let worstGap = 0;
      for (let i = 1; i < playing.length; i++) worstGap = Math.max(worstGap, playing[i]!.at - playing[i - 1]!.at);
      const baseline = Math.max(...rtts) + worstGap;

      const sent = performance.now();
      const res = await t.operator.post(`/v1/audio/${claimed.body.id}/take-down`, { reason: 'timing' });
      const answered = performance.now() - sent;
      expect(res.status).toBe(200);
      await eventually(
        async () => arrivals.filter((a) => a.tone === 'next').length,
        (n) => n >= 10,
      );
      const lastClaimed = arrivals.filter((a) => a.tone === 'claimed').at(-1)!.at;
      const stoppedMs = Math.max(0, lastClaimed - sent);
      const report = `prompt's last packet ${stoppedMs.toFixed(1)} ms after the takedown was sent (API answered in ${answered.toFixed(1)} ms; baseline: API round trip max ${Math.max(...rtts).toFixed(1)} ms + worst packet gap ${worstGap.toFixed(1)} ms)`;
      console.log(`audio takedown: ${report}`);

      expect((await c.api.post(`/v1/calls/${call?.id}/actions/hangup`)).status).toBe(200);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      if (baseline >= TARGET_MS) {
        ctx.skip(`the machine is too busy to measure: ${report}`);
        return;
      }
      expect(stoppedMs, report).toBeLessThanOrEqual(TARGET_MS);
    } finally {
      peer.socket.close();
    }
  });
});
