import { type ChildProcess, fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * bench/sip/sink.mjs as bench/pbx's bridged phase uses it: paced tagged sources (`send`), and loss
 * counted by the tag's packet number, not the RTP sequence a relay may renumber. Real processes and
 * real UDP on loopback; no figure of time is asserted.
 */
const SINK = fileURLToPath(new URL('./sink.mjs', import.meta.url));
const TAG = 0x50425842;

interface Sink {
  port: number;
  ask(message: unknown): Promise<any>;
  child: ChildProcess;
}
const started: Sink[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.child.kill();
  for (const s of sockets.splice(0)) s.close();
});

async function startSink(): Promise<Sink> {
  const child = fork(SINK, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<any>((resolve) => child.once('message', resolve));
  const waiting: Array<(m: any) => void> = [];
  child.on('message', (m) => waiting.shift()?.(m));
  const ask = (message: unknown) =>
    new Promise<any>((resolve) => {
      waiting.push(resolve);
      child.send(message as any);
    });
  const sink = { port, ask, child };
  started.push(sink);
  return sink;
}

/** Asks for reports until `done` holds (the packets are on their way; no fixed wait). */
async function reportWhen(sink: Sink, done: (r: any) => boolean): Promise<any> {
  for (;;) {
    const { report } = await sink.ask({ cmd: 'report' });
    if (done(report)) return report;
    await new Promise((r) => setImmediate(r));
  }
}

/** A tagged packet as a relay would pass it on: its own SSRC and RTP sequence, the source's payload. */
function relayed(rtpSeq: number, sourceNumber: number, ssrc = 0x1234): Buffer {
  const b = Buffer.alloc(12 + 160, 0xd5);
  b[0] = 0x80;
  b[1] = 8;
  b.writeUInt16BE(rtpSeq, 2);
  b.writeUInt32BE(rtpSeq * 160, 4);
  b.writeUInt32BE(ssrc, 8);
  b.writeUInt32BE(TAG, 12);
  b.writeUInt32BE(sourceNumber, 16);
  return b;
}

describe('bench sink: tagged sources and loss by tag', () => {
  it('streams sent with `send` reach another sink whole, and its echo comes back to the sender', async () => {
    const [callers, callees] = [await startSink(), await startSink()];
    await callers.ask({ cmd: 'phase', name: 'back', tagged: true });
    await callees.ask({ cmd: 'phase', name: 'there', tagged: true, echo: true });
    expect(await callers.ask({ cmd: 'send', streams: [{ port: callees.port }, { port: callees.port }] })).toEqual({ sources: 2 });
    const there = await reportWhen(callees, (r) => r.packets >= 40);
    const back = await reportWhen(callers, (r) => r.packets >= 40);
    await callers.ask({ cmd: 'stop-send' });
    for (const r of [there, back]) {
      expect(r.streams).toBe(2);
      expect(r.lost).toBe(0);
      expect(r.untagged).toBe(0);
      expect(r.lateOrDuplicate).toBe(0);
      expect(r.intervals).toBeGreaterThan(0);
      // Every interval also has what the path added to the source's own (the send time rides in the payload).
      expect(Number.isFinite(r.pathDevP99)).toBe(true);
      expect(r.pathDevMax).toBeGreaterThanOrEqual(0);
    }
    expect(back.sent).toBeGreaterThanOrEqual(back.packets);
  });

  it('a packet the relay dropped counts as lost although the RTP sequence has no gap; untagged packets are counted apart', async () => {
    const sink = await startSink();
    await sink.ask({ cmd: 'phase', name: 'relay', tagged: true });
    const socket = createSocket('udp4');
    sockets.push(socket);
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    // The source's packets 0..5 without 3, renumbered 100..104 by the relay; then one packet of its own.
    const packets = [relayed(100, 0), relayed(101, 1), relayed(102, 2), relayed(103, 4), relayed(104, 5)];
    const own = Buffer.alloc(12 + 160, 0xff);
    own[0] = 0x80;
    own[1] = 8;
    for (const p of [...packets, own]) await new Promise((r) => socket.send(p, sink.port, '127.0.0.1', r));
    const report = await reportWhen(sink, (r) => r.packets + r.untagged >= 6);
    expect(report).toMatchObject({ streams: 1, packets: 5, lost: 1, untagged: 1, lateOrDuplicate: 0 });
  });

  it('without `tagged`, the RTP sequence counts (bench/sip as before)', async () => {
    const sink = await startSink();
    await sink.ask({ cmd: 'phase', name: 'plain' });
    const socket = createSocket('udp4');
    sockets.push(socket);
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    for (const p of [relayed(100, 0), relayed(101, 1), relayed(103, 2)]) await new Promise((r) => socket.send(p, sink.port, '127.0.0.1', r));
    const report = await reportWhen(sink, (r) => r.packets >= 3);
    expect(report).toMatchObject({ streams: 1, packets: 3, lost: 1, untagged: 0 });
    // NaN in the sink: null once through IPC (JSON).
    expect(report.pathDevP99).toBeNull();
  });
});
