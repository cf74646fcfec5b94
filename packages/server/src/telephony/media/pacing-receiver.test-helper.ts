/**
 * A UDP sink for the pacing tests (`*.timing.test.ts`): arrival times per SSRC, measured in a process of
 * its own so a busy or blocked loop of the test's cannot shift them. Reports p99 and max of
 * |interval - 20 ms| per stream (from each stream's sixth packet on) and packets per stream.
 */
import { spawn } from 'node:child_process';
import type { MediaSession } from '../backend.js';
import { LOOPBACK } from './test-helpers.js';
import { RtpPorts } from './udp-port.js';
import { tone } from './wav.js';
import { MediaWorkerPool } from './worker/media-pool.js';

/** A UDP sink in a process of its own: arrival times per SSRC, reported over IPC. Plain JS, no build needed. */
const RECEIVER = `
const SKIP = 5;
const parentPort = { postMessage: (m) => process.send(m), on: (e, f) => process.on(e, f) };
const dgram = require('node:dgram');
// The instrument, like the media workers, asks for precedence over the rest of the machine (see media-worker.ts).
try { require('node:os').setPriority(0, require('node:os').constants.priority.PRIORITY_HIGH); } catch {}
const socket = dgram.createSocket('udp4');
const arrivals = new Map();
socket.on('message', (msg) => {
  const at = performance.now();
  const ssrc = msg.readUInt32BE(8);
  let list = arrivals.get(ssrc);
  if (!list) arrivals.set(ssrc, (list = []));
  list.push(at);
});
socket.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: socket.address().port }));
/** p99 and max of |interval - 20 ms| from each stream's sixth packet on, and packets per stream. */
const measure = () => {
  const deviations = [];
  const counts = [];
  for (const list of arrivals.values()) {
    counts.push(list.length);
    // The calls' start (100 plays posted in the same millisecond) is not what is measured.
    for (let i = SKIP + 1; i < list.length; i++) deviations.push(Math.abs(list[i] - list[i - 1] - 20));
  }
  deviations.sort((a, b) => a - b);
  const p99 = deviations[Math.min(deviations.length - 1, Math.floor(deviations.length * 0.99))];
  const max = deviations[deviations.length - 1];
  return { streams: arrivals.size, counts, intervals: deviations.length, p99, max };
};
parentPort.on('message', (m) => {
  const report = measure();
  if (m === 'peek') return parentPort.postMessage(report);
  arrivals.clear();
  if (m === 'reset') parentPort.postMessage(report);
  else socket.close(() => parentPort.postMessage(report));
});
`;

/**
 * The receiver's process, with the little of a Worker's interface the tests use: its first message is
 * `{ port }`; post 'peek' for a PacingReport of what arrived so far, 'reset' for the same and then clear
 * it, 'report' for the last one (the socket then closes).
 */
export function startPacingReceiver() {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    once: <T>(event: 'message', listener: (message: T) => void) => child.once(event, listener),
    postMessage: (message: string) => child.send(message),
    terminate: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

export interface PacingReport {
  streams: number;
  counts: number[];
  intervals: number;
  p99: number;
  max: number;
}

/**
 * What this machine allows right now: `calls` sessions of a fresh media-worker pool play `ms` of a tone
 * straight to the receiver at `port`, and the receiver's report of it (then cleared). A timing test
 * skips when even this misses its target: other processes hold the cores.
 */
export async function machineBaseline(
  receiver: ReturnType<typeof startPacingReceiver>,
  port: number,
  o: { calls: number; workers: number; range: readonly [number, number]; ms?: number },
): Promise<PacingReport> {
  const pool = new MediaWorkerPool({ size: o.workers });
  const ports = new RtpPorts();
  try {
    const sessions: MediaSession[] = await Promise.all(
      Array.from({ length: o.calls }, async () => (await pool.bind(ports, LOOPBACK, o.range)).start({ remote: { address: LOOPBACK, port } })),
    );
    await Promise.all(sessions.map((s) => s.play(tone(440, o.ms ?? 1000))));
    await receivedAll(receiver, o.calls * ((o.ms ?? 1000) / 20));
    const report = await askReceiver(receiver, 'reset');
    await Promise.all(sessions.map((s) => s.close()));
    return report;
  } finally {
    await pool.terminate();
  }
}

/** The receiver's report: 'peek' (kept), 'reset' (then cleared) or 'report' (the last). */
export function askReceiver(receiver: ReturnType<typeof startPacingReceiver>, what: 'peek' | 'reset' | 'report'): Promise<PacingReport> {
  return new Promise<PacingReport>((resolve) => {
    receiver.once('message', resolve);
    receiver.postMessage(what);
  });
}

/**
 * Waits until the receiver holds `packets` in all (those still in flight through a relay when the
 * senders finished), so a reset that follows leaves none of them to the next measurement.
 */
export async function receivedAll(receiver: ReturnType<typeof startPacingReceiver>, packets: number, timeoutMs = 5000): Promise<PacingReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await askReceiver(receiver, 'peek');
    const total = report.counts.reduce((n, c) => n + c, 0);
    if (total >= packets || Date.now() > deadline) return report;
    await new Promise((r) => setTimeout(r, 20));
  }
}
