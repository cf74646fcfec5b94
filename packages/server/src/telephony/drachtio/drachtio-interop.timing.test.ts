import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, scenario } from '../../test/call-fixtures.js';
import { pbxCallArgs } from '../../test/call-suite.js';
import { startTestServer, type TestServer } from '../../test/harness.js';
import { buyNumbers } from '../../numbers/test-fixtures.js';
import { pbxTrunk } from '../../test/pbx-fixtures.js';
import { runSipp } from '../../test/sipp.js';
import { askReceiver, machineBaseline, startPacingReceiver } from '../media/pacing-receiver.test-helper.js';
import { bin, missing, rtpengine, running, startDrachtio } from './drachtio-binary.test-helper.js';
import { type RtpengineDaemon, startRtpengine } from './rtpengine-daemon.test-helper.js';

/**
 * Issue 16's pacing acceptance against a REAL drachtio-server (see drachtio-binary.test-helper.ts; skipped
 * with a message without one): SIPp places PROLOPE_INTEROP_PACING_CALLS calls (default 100) at 50 calls/s,
 * each the full inbound flow (401, digest, 183, 200, the default greeting of about 4.6 s, BYE), so all
 * of them hear their greeting at once for about 2.6 s. Every offer names one receiver, in a process of
 * its own, which times each call's packets (by SSRC) as the caller gets them from rtpengine: p99 of
 * |interval - 20 ms| within 5 ms. First the machine is measured without drachtio and rtpengine; when
 * even that misses 5 ms the test says so and skips.
 */
const CALLS = Number(process.env.PROLOPE_INTEROP_PACING_CALLS ?? 100);

if (missing) console.warn(`[drachtio interop timing] skipped: ${missing} (a real drachtio-server is needed; CI does not build one)`);

describe.skipIf(missing !== undefined)('prompt pacing on a real drachtio-server (SIPp as the PBX, rtpengine in front of our media plane)', () => {
  let daemon: RtpengineDaemon;
  let drachtio: Awaited<ReturnType<typeof startDrachtio>> | undefined;
  let target: { host: string; port: number; secret: string; sipPort: number };
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  const username = `pacing-${process.pid}`;
  const password = 'pbx-Secret-2026';
  const from = '+35928710001';
  const to = '+35928710002';

  beforeAll(async () => {
    // Four rtpengine ports a call (two sides, RTP and RTCP).
    daemon = await startRtpengine(rtpengine as string, [44000, 44999], ['--delete-delay=0', '--log-level=4']);
    if (bin) drachtio = await startDrachtio(bin);
    target = running ?? (drachtio as NonNullable<typeof drachtio>);
    t = await startTestServer('sqlite', {
      config: {
        telephony: 'drachtio',
        drachtio: { host: target.host, port: target.port, secret: target.secret },
        rtpengine: { host: '127.0.0.1', port: daemon.ngPort },
        rtpPortRange: [45000, 45999],
        mediaWorkers: availableParallelism(),
      },
    });
    c = await t.customer();
    await buyNumbers(t.operator, c.api, [from, to]);
    await pbxTrunk(c.api, { username, password, callerIds: [from], name: 'PBX behind a real drachtio-server' });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await drachtio?.stop();
    await daemon?.stop();
  });

  it(`plays ${CALLS} calls' greetings, all up at once, through drachtio-server and rtpengine at 20 ms (p99 within 5 ms)`, async (ctx) => {
    const receiver = startPacingReceiver();
    const { port } = await new Promise<{ port: number }>((resolve) => receiver.once('message', resolve));
    try {
      const baseline = await machineBaseline(receiver, port, { calls: CALLS, workers: availableParallelism(), range: [46000, 46999] });
      console.info(`${CALLS} calls straight from the media workers: p99 |interval - 20 ms| = ${baseline.p99.toFixed(2)} ms`);

      const args = pbxCallArgs(to, { sipPort: target.sipPort, username, password, from, rtpport: port, codec: '8' });
      const run = await runSipp(scenario('inbound-greeting.xml'), to, target.sipPort, [
        ...args,
        '-m',
        String(CALLS),
        '-l',
        String(CALLS),
        '-r',
        String(Math.min(CALLS, 50)),
      ]);
      expect(run.code, `${explain(run)}\n${drachtio?.output().slice(-3000) ?? ''}`).toBe(0);
      const measured = await askReceiver(receiver, 'reset');
      console.info(
        `${CALLS} SIPp calls through drachtio-server and rtpengine, greetings from our media plane: p99 |interval - 20 ms| = ${measured.p99.toFixed(2)} ms, max ${measured.max.toFixed(2)} ms over ${measured.intervals} intervals`,
      );
      const calls = await eventually(
        async () => ((await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>).filter((x) => x.to === to),
        (list) => list.length === Math.min(CALLS, 100) && list.every((x) => x.ended_at != null),
      );
      for (const call of calls) expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee' });
      if (baseline.p99 > 5) {
        ctx.skip(`this machine is too busy to measure: p99 ${baseline.p99.toFixed(2)} ms already without drachtio and rtpengine`);
        return;
      }
      // One stream per call (its own SSRC), each the whole greeting.
      expect(measured.streams).toBe(CALLS);
      expect(measured.counts.every((n) => n > 100)).toBe(true);
      expect(measured.p99).toBeLessThanOrEqual(5);
    } finally {
      await receiver.terminate();
    }
  });
});
