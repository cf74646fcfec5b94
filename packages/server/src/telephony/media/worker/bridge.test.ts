import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaSession } from '../../backend.js';
import { bindInProcess, type BoundPort } from '../bound-port.js';
import { decodePcma } from '../g711.js';
import { LOOPBACK, waitForCount } from '../test-helpers.js';
import { RtpPorts } from '../udp-port.js';
import { tone } from '../wav.js';
import { MediaWorkerPool } from './media-pool.js';

/**
 * Issue 15 item 2: two legs bridged in the media plane. Two real RTP endpoints (UDP sockets X and Y)
 * talk through two sessions A (facing X) and B (facing Y), in two media workers, in one worker, and in
 * this thread. What X sends reaches Y byte for byte, as one stream of B's own: one SSRC, sequence +1
 * and timestamp +160 per packet; DTMF crosses with its payload type mapped (101 at A, 96 at B). The
 * endpoints run in a thread of their own, so the main thread can be blocked while packets flow: they
 * still cross the bridge, since it does not pass through the main thread. Nothing here is timed: the
 * block only shows that packets cross while the main thread runs nothing.
 */

const RANGE: [number, number] = [32000, 32999];
const DTMF_A = 101;
const DTMF_B = 96;

/** The two endpoints: plain JS in a thread of the test, counting what each socket receives in `counts`. */
const ENDPOINTS = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const counts = new Int32Array(workerData.counts);
const sockets = { x: dgram.createSocket('udp4'), y: dgram.createSocket('udp4') };
const received = { x: [], y: [] };
for (const [name, index] of [['x', 0], ['y', 1]]) {
  sockets[name].on('message', (msg) => {
    received[name].push({
      marker: (msg[1] & 0x80) !== 0, pt: msg[1] & 0x7f, seq: msg.readUInt16BE(2), ts: msg.readUInt32BE(4),
      ssrc: msg.readUInt32BE(8), payload: msg.subarray(12).toString('hex'),
    });
    Atomics.add(counts, index, 1);
  });
}
let bound = 0;
for (const s of Object.values(sockets)) s.bind(0, '127.0.0.1', () => {
  if (++bound === 2) parentPort.postMessage({ x: sockets.x.address().port, y: sockets.y.address().port });
});
const header = (pt, marker, seq, ts, ssrc) => {
  const b = Buffer.alloc(12);
  b[0] = 0x80; b[1] = (marker ? 0x80 : 0) | pt; b.writeUInt16BE(seq & 0xffff, 2); b.writeUInt32BE(ts >>> 0, 4); b.writeUInt32BE(ssrc >>> 0, 8);
  return b;
};
parentPort.on('message', (m) => {
  if (m.op === 'report') return parentPort.postMessage(received);
  // m: { from, to, packets: [{ pt, marker, seq, ts, payload (hex) }], ssrc }: one every 20 ms, on this thread's timers.
  let i = 0;
  const next = () => {
    const p = m.packets[i++];
    sockets[m.from].send(Buffer.concat([header(p.pt, p.marker, p.seq, p.ts, m.ssrc), Buffer.from(p.payload, 'hex')]), m.to, '127.0.0.1');
    if (i < m.packets.length) setTimeout(next, 20);
    else parentPort.postMessage({ sent: m.from });
  };
  next();
});
`;

interface Seen {
  marker: boolean;
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
  payload: string;
}
interface OutPacket {
  pt: number;
  marker: boolean;
  seq: number;
  ts: number;
  payload: string;
}

async function startEndpoints() {
  const counts = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(ENDPOINTS, { eval: true, workerData: { counts: counts.buffer } });
  const ports = await new Promise<{ x: number; y: number }>((resolve) => worker.once('message', resolve));
  const next = <T>() => new Promise<T>((resolve) => worker.once('message', resolve));
  return {
    ports,
    /** Packets received so far by x (index 0) and y (index 1), read without the endpoints' thread. */
    received: (who: 'x' | 'y') => Atomics.load(counts, who === 'x' ? 0 : 1),
    /** Starts sending `packets` from `from` to `to`, 20 ms apart; resolves when the last has left. */
    send(from: 'x' | 'y', to: number, ssrc: number, packets: OutPacket[]) {
      worker.postMessage({ from, to, ssrc, packets });
      return next<{ sent: string }>();
    },
    report() {
      worker.postMessage({ op: 'report' });
      return next<{ x: Seen[]; y: Seen[] }>();
    },
    close: () => worker.terminate(),
  };
}

/** `count` PCMA packets of a source: each payload distinct, timestamps 160 apart from a wrap-near start. */
function audio(count: number, seed: number, seq0: number, ts0: number): OutPacket[] {
  return Array.from({ length: count }, (_, i) => ({
    pt: 8,
    marker: i === 0,
    seq: seq0 + i,
    ts: (ts0 + i * 160) >>> 0,
    payload: Buffer.alloc(160, (seed + i) & 0xff).toString('hex'),
  }));
}

/** One RFC 4733 event (digit 5): three updates and three end packets, all with the event's timestamp. */
function dtmf(seq0: number, ts: number): OutPacket[] {
  const durations = [400, 800, 1200, 1600, 1600, 1600];
  return durations.map((d, i) => ({
    pt: DTMF_A,
    marker: i === 0,
    seq: seq0 + i,
    ts,
    payload: Buffer.from([5, (i >= 3 ? 0x80 : 0) | 10, d >> 8, d & 0xff]).toString('hex'),
  }));
}

/** One continuous stream of one SSRC: sequence +1 per packet, timestamp +160 per audio packet. */
function expectContinuous(seen: Seen[]): void {
  expect(new Set(seen.map((p) => p.ssrc)).size).toBe(1);
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i]!.seq).toBe((seen[i - 1]!.seq + 1) & 0xffff);
    expect((seen[i]!.ts - seen[i - 1]!.ts) >>> 0).toBe(160);
  }
}

type Placement = 'two media workers' | 'one media worker' | 'in-process';

describe.each<Placement>(['two media workers', 'one media worker', 'in-process'])('bridge in the media plane (%s)', (placement) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('relays packets both ways untouched but for SSRC, sequence and timestamp; DTMF mapped; unbridge restores play', async () => {
    const ends = await startEndpoints();
    cleanup.push(() => ends.close());
    const ports = new RtpPorts();
    const pool = placement === 'in-process' ? undefined : new MediaWorkerPool({ size: placement === 'two media workers' ? 2 : 1 });
    if (pool) cleanup.push(() => pool.terminate());
    const bind = (): Promise<BoundPort> => (pool ? pool.bind(ports, LOOPBACK, RANGE) : bindInProcess(ports, LOOPBACK, RANGE));
    const a: MediaSession = (await bind()).start({ remote: { address: LOOPBACK, port: ends.ports.x }, dtmfPayloadType: DTMF_A });
    const b: MediaSession = (await bind()).start({ remote: { address: LOOPBACK, port: ends.ports.y }, dtmfPayloadType: DTMF_B });
    cleanup.push(() => Promise.all([a.close(), b.close()]));
    if (placement === 'two media workers') expect(pool?.loads()).toEqual([1, 1]);
    const unbridge = a.bridge(b);
    const recording = a.startRecording();
    const dual = a.startRecording({ channels: 2 });

    // X → A → B → Y: 50 packets (1 s) from a source whose timestamp wraps on the way, with a DTMF event.
    const fromX = audio(50, 1, 65530, 2 ** 32 - 160 * 10);
    const sending = ends.send('x', a.local.port, 0x1234abcd, [...fromX.slice(0, 40), ...dtmf(65530 + 40, (2 ** 32 - 1600 + 40 * 160) >>> 0), ...fromX.slice(40)]);
    if (placement !== 'in-process') {
      // Once packets flow, block the main thread (200 ms, and on until three packets more crossed, in case
      // a busy machine holds the media threads back; 5 s at most): they cross the bridge meanwhile.
      await waitForCount(() => ends.received('y'), 5);
      const before = ends.received('y');
      const started = performance.now();
      let blocked = 0;
      while ((blocked < 200 || ends.received('y') < before + 3) && blocked < 5000) {
        // busy on purpose: this thread runs no event, timer or message until the loop ends
        blocked = performance.now() - started;
      }
      const during = ends.received('y') - before;
      console.info(`bridge (${placement}): ${during} packets crossed while the main thread was blocked ${Math.round(blocked)} ms`);
      expect(during).toBeGreaterThanOrEqual(3);
    }
    await sending;
    await waitForCount(() => ends.received('y'), 56);

    // Y → B → A → X: 20 packets of another source.
    const fromY = audio(20, 100, 7, 1000);
    await ends.send('y', b.local.port, 0x55667788, fromY);
    await waitForCount(() => ends.received('x'), 20);

    const recorded = await recording.stop();
    const recordedDual = await dual.stop();
    unbridge();
    // Unbridged, B plays again on its own stream, from where the relayed one ended.
    await b.play(tone(1000, 100));
    await waitForCount(() => ends.received('y'), 56 + 5);

    const seen = await ends.report();
    const atY = seen.y;
    expect(atY).toHaveLength(56 + 5);
    const relayedAudio = atY.filter((p) => p.pt === 8).slice(0, 50);
    const relayedDtmf = atY.filter((p) => p.pt !== 8);
    // Bytes identical and in order; no telephone-event with A's payload type reached Y.
    expect(relayedAudio.map((p) => p.payload)).toEqual(fromX.map((p) => p.payload));
    expect(relayedDtmf.map((p) => p.pt)).toEqual(Array(6).fill(DTMF_B));
    expect(relayedDtmf.map((p) => p.payload)).toEqual(dtmf(0, 0).map((p) => p.payload));
    // One stream of B's own, across the bridge and the play after it: SSRC constant, sequence +1 throughout.
    expect(new Set(atY.map((p) => p.ssrc)).size).toBe(1);
    expect(atY[0]!.ssrc).not.toBe(0x1234abcd);
    for (let i = 1; i < atY.length; i++) expect(atY[i]!.seq).toBe((atY[i - 1]!.seq + 1) & 0xffff);
    expect(atY[0]!.marker).toBe(true);
    // Audio timestamps +160 per packet, the source's wrap invisible; the event keeps one timestamp.
    expectContinuous(relayedAudio.slice(0, 40));
    expectContinuous(relayedAudio.slice(40));
    expect(new Set(relayedDtmf.map((p) => p.ts)).size).toBe(1);
    expect((relayedDtmf[0]!.ts - relayedAudio[0]!.ts) >>> 0).toBe(40 * 160);
    expect((relayedAudio[40]!.ts - relayedAudio[39]!.ts) >>> 0).toBe(160);
    // The play after unbridge: a new talkspurt (marker), later than the relayed stream.
    const played = atY.slice(56);
    expect(played[0]!.marker).toBe(true);
    expect((played[0]!.ts - relayedAudio[49]!.ts) | 0).toBeGreaterThan(0);
    expectContinuous(played);

    // The other direction: X hears Y's bytes as A's one stream.
    expect(seen.x.map((p) => p.payload)).toEqual(fromY.map((p) => p.payload));
    expectContinuous(seen.x);
    expect(seen.x[0]!.ssrc).not.toBe(0x55667788);

    // A's recording has both directions: what X said (received) and what Y said (relayed to X).
    expect(recorded.length).toBeGreaterThanOrEqual((50 + 20) * 160);
    const values = new Set(recorded);
    const heard = (packets: OutPacket[]) => packets.every((p) => values.has(decodePcma(Buffer.from(p.payload, 'hex'))[0]!));
    expect(heard(fromX)).toBe(true);
    expect(heard(fromY)).toBe(true);

    // The dual recording keeps them apart: X (A's far end) left, Y (the other party) right, and not the
    // other way round (X's payload bytes are 1-50, Y's 100-119: no value in common).
    expect(recordedDual.length % 2).toBe(0);
    const left = new Set(recordedDual.filter((_, i) => i % 2 === 0));
    const right = new Set(recordedDual.filter((_, i) => i % 2 === 1));
    const firstSample = (p: OutPacket) => decodePcma(Buffer.from(p.payload, 'hex'))[0]!;
    expect(fromX.every((p) => left.has(firstSample(p)) && !right.has(firstSample(p)))).toBe(true);
    expect(fromY.every((p) => right.has(firstSample(p)) && !left.has(firstSample(p)))).toBe(true);
    // As long as the mono one, within a millisecond: each recording lines the relayed side up by the
    // time its first relayed packet came (rounded to a sample), measured once per recording.
    expect(Math.abs(recordedDual.length / 2 - recorded.length)).toBeLessThanOrEqual(8);
  });
});

describe('bridge in the media plane: mute and a side without telephone-event', () => {
  it('relays a muted side as A-law silence of the same length, and drops DTMF toward a side that negotiated none', async () => {
    const ends = await startEndpoints();
    const ports = new RtpPorts();
    const a = (await bindInProcess(ports, LOOPBACK, RANGE)).start({ remote: { address: LOOPBACK, port: ends.ports.x }, dtmfPayloadType: DTMF_A });
    const b = (await bindInProcess(ports, LOOPBACK, RANGE)).start({ remote: { address: LOOPBACK, port: ends.ports.y } });
    try {
      const unbridge = a.bridge(b);
      a.setMuted(true);
      await ends.send('x', a.local.port, 42, [...audio(5, 1, 0, 0), ...dtmf(5, 800)]);
      await waitForCount(() => ends.received('y'), 5);
      await waitForCount(() => a.stats().packetsReceived, 11);
      unbridge();
      const seen = (await ends.report()).y;
      // Five packets of silence, each as long as what X sent; the six telephone-events had nowhere to go.
      expect(seen.map((p) => p.pt)).toEqual([8, 8, 8, 8, 8]);
      expect(seen.every((p) => p.payload === 'd5'.repeat(160))).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await ends.close();
    }
  });
});
