import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { MediaSession } from '../../backend.js';
import { type PacingReport as Report, startPacingReceiver as startReceiver } from '../pacing-receiver.test-helper.js';
import { LOOPBACK, waitForCount } from '../test-helpers.js';
import { RtpPorts } from '../udp-port.js';
import { tone } from '../wav.js';
import { MediaWorkerPool } from './media-pool.js';

/**
 * Issue 15's acceptance test for the media plane: 100 calls play through the media workers while the
 * main thread is blocked on purpose for 200 ms, and the packets still arrive 20 ms apart (p99 of
 * |interval - 20 ms| within 5 ms, none lost). The receiver runs in a process of its own, so arrival
 * times are taken on a loop the block does not touch. This is the one test here that asserts
 * on timing: it is what the workers are for.
 */
const CALLS = 100;
const FRAMES = 100; // 2 s of audio per call
const BLOCK_MS = 200;

describe('media workers with the main thread blocked', () => {
  const pool = new MediaWorkerPool({ size: availableParallelism() });
  afterAll(() => pool.terminate());

  it(`keeps ${CALLS} calls at 20 ms (p99 within 5 ms) through a ${BLOCK_MS} ms block of the main thread`, async (ctx) => {
    const receiver = startReceiver();
    const { port } = await new Promise<{ port: number }>((resolve) => receiver.once('message', resolve));
    const ports = new RtpPorts();
    const sessions: MediaSession[] = await Promise.all(
      Array.from({ length: CALLS }, async () => (await pool.bind(ports, LOOPBACK, [31000, 31999])).start({ remote: { address: LOOPBACK, port } })),
    );
    // First a phase without the block, which also warms the workers up (a server's media workers run
    // for days: code not yet optimised is not what is measured). It shows what this machine allows: when
    // other processes keep its cores so busy that even unblocked calls miss 20 ms by more than 5 ms, the
    // block's effect cannot be told from theirs, and the test says so and skips rather than fail. (On a
    // machine shared with other sessions, Linux's group scheduling can also starve this whole process,
    // media threads included, for as long as the busy main thread ran: seen on a 2-core machine at load
    // 10, never when the machine was not overloaded.)
    await Promise.all(sessions.map((s) => s.play(tone(440, 1000))));
    const baseline = await new Promise<Report>((resolve) => {
      receiver.once('message', resolve);
      receiver.postMessage('reset');
    });
    console.info(`media workers, ${CALLS} calls, no block: p99 |interval - 20 ms| = ${baseline.p99.toFixed(2)} ms`);
    const audio = tone(440, FRAMES * 20);
    const playing = sessions.map((s) => s.play(audio));
    // Once every call is sending, block the main thread as a heavy request or a slow query would.
    await waitForCount(() => Math.min(...sessions.map((s) => s.stats().packetsSent)), 50 + 15);
    const until = performance.now() + BLOCK_MS;
    while (performance.now() < until) {
      // busy on purpose
    }
    await Promise.all(playing);
    const report = await new Promise<Report>((resolve) => {
      receiver.once('message', resolve);
      receiver.postMessage('report');
    });
    await Promise.all(sessions.map((s) => s.close()));
    await receiver.terminate();
    console.info(
      `media workers, ${CALLS} calls, main thread blocked ${BLOCK_MS} ms: p99 |interval - 20 ms| = ${report.p99.toFixed(2)} ms, max ${report.max.toFixed(2)} ms over ${report.intervals} intervals`,
    );
    if (baseline.p99 > 5) {
      ctx.skip(`this machine is too busy to measure: p99 ${baseline.p99.toFixed(2)} ms already without the block`);
      return;
    }
    expect(report.streams).toBe(CALLS);
    expect(report.counts.every((n) => n === FRAMES)).toBe(true);
    expect(report.p99).toBeLessThanOrEqual(5);
  });
});
