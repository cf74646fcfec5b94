import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaSession } from '../../backend.js';
import { bindInProcess, type BoundPort } from '../bound-port.js';
import { decodePcma, FRAME_SAMPLES, toPcmaFrames } from '../g711.js';
import { LOOPBACK, waitForCount } from '../test-helpers.js';
import { RtpPorts } from '../udp-port.js';
import { tone } from '../wav.js';
import { MediaWorkerPool } from './media-pool.js';
import { mix } from './worker-conference.js';

/**
 * Issue 15 item 2, mixing: three real UDP endpoints, each talking to its own session and each sending a
 * tone of its own; everyone hears the other two tones, never its own (told apart by Goertzel power at
 * each frequency). Mixed in this thread, in one media worker, and across three (the mixer in one, the
 * others' frames crossing MessagePorts). A participant that leaves hears nothing more and is not heard;
 * one that joins again hears the others again. Nothing here is timed; waits poll packet counts.
 */

const RANGE: [number, number] = [33000, 33999];
/** Whole cycles per 20 ms frame, so a frame lost or repeated on the way does not shift a tone's phase. */
const TONES = [400, 1000, 1700] as const;

/**
 * Power of `freq` in `pcm`: Goertzel over each 20 ms frame, summed. Per frame, since the mix of several
 * streams is not phase-continuous across frames (a frame dropped or waiting in a queue), and a window
 * over the whole would let the phase jumps cancel a tone out.
 */
function power(pcm: Int16Array, freq: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / 8000);
  let total = 0;
  for (let start = 0; start + FRAME_SAMPLES <= pcm.length; start += FRAME_SAMPLES) {
    let s1 = 0;
    let s2 = 0;
    for (let i = start; i < start + FRAME_SAMPLES; i++) {
      const s = pcm[i]! + coeff * s1 - s2;
      s2 = s1;
      s1 = s;
    }
    total += s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }
  return total;
}

interface Endpoint {
  socket: Socket;
  port: number;
  packets: Array<{ ssrc: number; seq: number; payload: Uint8Array }>;
}

async function endpoint(): Promise<Endpoint> {
  const socket = createSocket('udp4');
  const e: Endpoint = { socket, port: 0, packets: [] };
  socket.on('message', (msg) => e.packets.push({ ssrc: msg.readUInt32BE(8), seq: msg.readUInt16BE(2), payload: new Uint8Array(msg.subarray(12)) }));
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  e.port = socket.address().port;
  return e;
}

/** Sends `frames` of a tone as PCMA RTP to `to`, one every 20 ms (this thread's timers pace it). */
function sendTone(e: Endpoint, to: number, freq: number, frames: number, ssrc: number): Promise<void> {
  const pcma = toPcmaFrames(tone(freq, frames * 20, 0.3));
  let i = 0;
  return new Promise((resolve) => {
    const next = () => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = (i === 0 ? 0x80 : 0) | 8;
      header.writeUInt16BE((ssrc + i) & 0xffff, 2);
      header.writeUInt32BE((ssrc * 7 + i * FRAME_SAMPLES) >>> 0, 4);
      header.writeUInt32BE(ssrc, 8);
      e.socket.send(Buffer.concat([header, pcma[i]!]), to, LOOPBACK);
      if (++i < pcma.length) setTimeout(next, 20);
      else resolve();
    };
    next();
  });
}

/** The audio an endpoint received from packet `from` on, decoded and concatenated. */
function heard(e: Endpoint, from = 0): Int16Array {
  const parts = e.packets.slice(from).map((p) => decodePcma(p.payload));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Which of the tones `pcm` holds: each tone's power against the strongest one's. */
function tonesIn(pcm: Int16Array): boolean[] {
  const powers = TONES.map((f) => power(pcm, f));
  const strongest = Math.max(...powers);
  return powers.map((p) => p > strongest / 100);
}

/** One stream of the session's own: one SSRC, sequence +1 per packet. */
function expectOneStream(e: Endpoint): void {
  expect(new Set(e.packets.map((p) => p.ssrc)).size).toBe(1);
  for (let i = 1; i < e.packets.length; i++) expect(e.packets[i]!.seq).toBe((e.packets[i - 1]!.seq + 1) & 0xffff);
}

type Placement = 'three media workers' | 'one media worker' | 'in-process';

describe.each<Placement>(['three media workers', 'one media worker', 'in-process'])('mixing three parties (%s)', (placement) => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('each party hears the two others and not itself; leave and join again', async () => {
    const ends = await Promise.all([endpoint(), endpoint(), endpoint()]);
    cleanup.push(() => Promise.all(ends.map((e) => new Promise<void>((resolve) => e.socket.close(() => resolve())))));
    const ports = new RtpPorts();
    const pool = placement === 'in-process' ? undefined : new MediaWorkerPool({ size: placement === 'three media workers' ? 3 : 1 });
    if (pool) cleanup.push(() => pool.terminate());
    const bind = (): Promise<BoundPort> => (pool ? pool.bind(ports, LOOPBACK, RANGE) : bindInProcess(ports, LOOPBACK, RANGE));
    const sessions: MediaSession[] = [];
    for (const e of ends) sessions.push((await bind()).start({ remote: { address: LOOPBACK, port: e.port } }));
    cleanup.push(() => Promise.all(sessions.map((s) => s.close())));
    if (placement === 'three media workers') expect(pool?.loads()).toEqual([1, 1, 1]);

    const conference = mix(sessions);
    cleanup.push(() => conference.close());
    const talk = (who: number[], frames: number) => Promise.all(who.map((i) => sendTone(ends[i]!, sessions[i]!.local.port, TONES[i]!, frames, 1000 + i)));

    // All three talk for a second: each hears the other two.
    await talk([0, 1, 2], 50);
    for (const e of ends) await waitForCount(() => e.packets.length, 40);
    expect(ends.map((e) => tonesIn(heard(e)))).toEqual([
      [false, true, true],
      [true, false, true],
      [true, true, false],
    ]);
    for (const e of ends) expectOneStream(e);

    // The third leaves: it hears nothing more, and the other two hear only each other.
    conference.leave(sessions[2]!);
    const mark = ends.map((e) => e.packets.length);
    await talk([0, 1, 2], 30);
    for (const i of [0, 1]) await waitForCount(() => ends[i]!.packets.length, mark[i]! + 20);
    expect(tonesIn(heard(ends[0]!, mark[0]! + 5))).toEqual([false, true, false]);
    expect(tonesIn(heard(ends[1]!, mark[1]! + 5))).toEqual([true, false, false]);

    // It joins again and hears both once more (having heard nothing of the 30 frames meanwhile, but for a few mixed
    // before its leave reached its worker).
    const rejoined = ends[2]!.packets.length;
    expect(rejoined - mark[2]!).toBeLessThanOrEqual(5);
    conference.join(sessions[2]!);
    await talk([0, 1, 2], 30);
    await waitForCount(() => ends[2]!.packets.length, rejoined + 20);
    expect(tonesIn(heard(ends[2]!, rejoined + 5))).toEqual([true, true, false]);
  });
});

describe('mixing a session that is not of the embedded media plane', () => {
  it('throws a clear error', () => {
    const foreign = { bridge: () => () => undefined } as unknown as MediaSession;
    expect(() => mix([foreign])).toThrow(/one kind of our media plane/);
  });
});
