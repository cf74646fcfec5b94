import { afterEach, describe, expect, it } from 'vitest';
import { decodeDtmfPayload } from './dtmf-event.js';
import { decodePcma, encodePcma } from './g711.js';
import { encodeRtp, type RtpPacket } from './rtp-packet.js';
import { openRtpSession, type RtpSession } from './rtp-session.js';
import { LOOPBACK, openPair, rawSocket, waitForCount } from './test-helpers.js';
import { NoFreePortError, RtpPorts } from './udp-port.js';
import { tone } from './wav.js';

const ports = new RtpPorts();

const open: Array<{ close(): Promise<void> }> = [];
const track = <T extends { close(): Promise<void> }>(x: T): T => {
  open.push(x);
  return x;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

const pair = async (dtmfPayloadType?: number) => {
  const [a, b] = await openPair(dtmfPayloadType !== undefined ? { dtmfPayloadType } : {});
  track(a);
  track(b);
  return [a, b] as const;
};

/** Collects every packet a session accepts. */
const capture = (session: RtpSession) => {
  const packets: RtpPacket[] = [];
  session.onPacket((p) => packets.push({ ...p, payload: Uint8Array.from(p.payload) }));
  return packets;
};

/** Plays a short tone and waits until it arrived, so anything sent before it has arrived too (loopback keeps order). */
const flush = async (from: RtpSession, to: RtpSession) => {
  const before = to.stats().pcmaPacketsReceived;
  await from.play(tone(1000, 40));
  await waitForCount(() => to.stats().pcmaPacketsReceived, before + 2);
};

describe('RtpSession on loopback', () => {
  it('binds an even port above 1024 in the range and reports it', async () => {
    const [a, b] = await pair();
    for (const s of [a, b]) {
      expect(s.local.address).toBe(LOOPBACK);
      expect(s.local.port % 2).toBe(0);
      expect(s.local.port).toBeGreaterThanOrEqual(20000);
      expect(s.local.port).toBeLessThanOrEqual(20999);
    }
    expect(a.local.port).not.toBe(b.local.port);
  });

  it('plays 1 s of tone as 50 paced PCMA packets that B records faithfully', async () => {
    const [a, b] = await pair();
    const packets = capture(b);
    const recording = b.startRecording();
    const samples = tone(440, 1000);
    await a.play(samples);
    expect(await waitForCount(() => b.stats().pcmaPacketsReceived, 50)).toBe(50);

    expect(packets).toHaveLength(50);
    expect(packets.every((p) => p.payloadType === 8 && p.payload.length === 160)).toBe(true);
    expect(new Set(packets.map((p) => p.ssrc)).size).toBe(1);
    expect(packets.map((p) => p.marker)).toEqual([true, ...Array(49).fill(false)]);
    for (let i = 1; i < packets.length; i++) {
      expect((packets[i]!.timestamp - packets[i - 1]!.timestamp) >>> 0 === 160).toBe(true);
      expect(packets[i]!.sequenceNumber).toBe((packets[i - 1]!.sequenceNumber + 1) & 0xffff);
    }

    const pcm = recording.stop();
    expect(pcm.length).toBe(8000);
    let worst = 0;
    for (let i = 0; i < pcm.length; i++) worst = Math.max(worst, Math.abs(pcm[i]! - samples[i]!) - Math.max(16, Math.abs(samples[i]!) / 16));
    expect(worst).toBeLessThanOrEqual(0);
    expect(a.stats()).toMatchObject({ packetsSent: 50, bytesSent: 50 * 172 });
    expect(b.stats()).toMatchObject({ packetsReceived: 50, pcmaPacketsReceived: 50, invalidPackets: 0 });
  });

  it('queues concurrent play() calls as separate talkspurts without interleaving', async () => {
    const [a, b] = await pair();
    const packets = capture(b);
    await Promise.all([a.play(tone(400, 100)), a.play(tone(800, 100)), a.play(new Int16Array(0))]);
    await waitForCount(() => packets.length, 10);
    expect(packets).toHaveLength(10);
    expect(packets.map((p) => p.marker)).toEqual([true, false, false, false, false, true, false, false, false, false]);
    for (let i = 1; i < 10; i++) {
      expect(packets[i]!.sequenceNumber).toBe((packets[i - 1]!.sequenceNumber + 1) & 0xffff);
      const step = (packets[i]!.timestamp - packets[i - 1]!.timestamp) >>> 0;
      // Within a talkspurt exactly 160; across the boundary at least 160 (real time passed).
      if (i === 5) expect(step).toBeGreaterThanOrEqual(160);
      else expect(step).toBe(160);
    }
    // The second talkspurt is the 800 Hz tone: more zero crossings per frame than the first.
    const crossings = (p: RtpPacket) => {
      const s = decodePcma(p.payload);
      let n = 0;
      for (let i = 1; i < s.length; i++) if (s[i - 1]! < 0 !== s[i]! < 0) n++;
      return n;
    };
    expect(crossings(packets[7]!)).toBeGreaterThan(crossings(packets[2]!));
  });

  it('stops playing when the signal aborts and resolves', async () => {
    const [a, b] = await pair();
    const controller = new AbortController();
    b.onPacket(() => {
      if (b.stats().pcmaPacketsReceived >= 5) controller.abort();
    });
    await a.play(tone(440, 1000), { signal: controller.signal });
    const afterAbort = a.stats().packetsSent;
    expect(afterAbort).toBeLessThan(50);
    // An already aborted signal sends nothing.
    await a.play(tone(440, 1000), { signal: controller.signal });
    expect(a.stats().packetsSent).toBe(afterAbort);
    // A packet sent in the turn the abort came in may still be on its way; count from after it.
    await waitForCount(() => b.stats().pcmaPacketsReceived, afterAbort);
    await flush(a, b);
    expect(b.stats().pcmaPacketsReceived).toBe(afterAbort + 2);
  });

  it('sends RFC 4733 DTMF that arrives as exactly the digits sent, once each', async () => {
    const [a, b] = await pair(101);
    const packets = capture(b);
    const digits: string[] = [];
    b.onDtmf((d) => digits.push(d));
    const sent = ['1', '#', 'A', '*', '0', 'd'];
    for (const d of sent) await a.sendDtmf(d, 100);
    await flush(a, b);
    expect(digits).toEqual(['1', '#', 'A', '*', '0', 'D']);
    expect(b.stats().dtmfReceived).toBe(6);

    // The first event on the wire: marker on its first packet, growing durations, end sent 3 times.
    const first = packets.filter((p) => p.payloadType === 101 && p.timestamp === packets[0]!.timestamp);
    const payloads = first.map((p) => decodeDtmfPayload(p.payload)!);
    expect(first.map((p) => p.marker)).toEqual([true, false, false, false, false]);
    expect(payloads.map((p) => [p.event, p.end, p.duration])).toEqual([
      [1, false, 400],
      [1, false, 800],
      [1, true, 800],
      [1, true, 800],
      [1, true, 800],
    ]);
    // Each event has its own timestamp.
    expect(new Set(packets.filter((p) => p.payloadType === 101).map((p) => p.timestamp)).size).toBe(6);
  });

  it('rejects an unknown digit, and DTMF when telephone-event was not negotiated', async () => {
    const [a] = await pair();
    await expect(a.sendDtmf('1')).rejects.toThrow(/not negotiated/);
    const [c] = await pair(101);
    await expect(c.sendDtmf('X')).rejects.toThrow(RangeError);
    expect(c.stats().packetsSent).toBe(0);
  });

  it('reports an event once even when its end packets were lost, and ignores flash', async () => {
    const session = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, dtmfPayloadType: 101, rtpTimeoutMs: 0 }));
    const sender = track(await rawSocket());
    session.setRemote({ address: LOOPBACK, port: sender.port });
    const digits: string[] = [];
    session.onDtmf((d) => digits.push(d));
    const dtmf = (seq: number, ts: number, event: number, end: boolean) =>
      encodeRtp({ payloadType: 101, marker: false, sequenceNumber: seq, timestamp: ts, ssrc: 1, payload: Uint8Array.of(event, end ? 0x8a : 0x0a, 0, 160) });
    // Event 5 at ts 1000 never ends; event 16 (flash) ends; event 9 ends with three end packets.
    const datagrams = [dtmf(1, 1000, 5, false), dtmf(2, 1000, 5, false), dtmf(3, 2000, 16, true), dtmf(4, 3000, 9, false), dtmf(5, 3000, 9, true)];
    datagrams.push(dtmf(6, 3000, 9, true), dtmf(7, 3000, 9, true), dtmf(8, 1000, 5, false)); // repeats and a late straggler
    for (const d of datagrams) await sender.send(d, session.local.port);
    await waitForCount(() => session.stats().dtmfPacketsReceived, datagrams.length);
    expect(digits).toEqual(['5', '9']);
  });

  it('fires onTimeout when no RTP arrives', async () => {
    const session = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 50 }));
    await new Promise<void>((resolve) => session.onTimeout(resolve));
    expect(session.stats().packetsReceived).toBe(0);
  });

  it('survives garbage datagrams and still takes the next valid packet', async () => {
    const [a, b] = await pair();
    const sender = track(await rawSocket());
    const garbage = [
      Buffer.alloc(0),
      Buffer.from([0x80]),
      Buffer.from('INVITE sip:x@y SIP/2.0\r\n\r\n'),
      Buffer.from([0x8f, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(Array.from({ length: 1400 }, (_, i) => (i * 37) & 0xff)),
    ];
    for (const g of garbage) await sender.send(g, b.local.port);
    await waitForCount(() => b.stats().invalidPackets, garbage.length);
    expect(b.stats()).toMatchObject({ invalidPackets: garbage.length, packetsReceived: 0 });
    await flush(a, b);
    expect(b.stats().pcmaPacketsReceived).toBe(2);
  });

  it('latches onto the source of incoming RTP (symmetric RTP) and ignores other sources afterwards', async () => {
    const a = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 }));
    // B was told (by a NATed SDP) to send somewhere useless.
    const b = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 }));
    a.setRemote(b.local);
    await flush(a, b);
    expect(b.stats().remote).toEqual(a.local);
    await flush(b, a);
    expect(a.stats().pcmaPacketsReceived).toBe(2);

    const stranger = track(await rawSocket());
    const injected = encodeRtp({ payloadType: 8, marker: true, sequenceNumber: 1, timestamp: 1, ssrc: 99, payload: encodePcma(tone(300, 20)) });
    await stranger.send(injected, b.local.port);
    // Latched, B's socket is connected to A, so the kernel drops the stranger's packet (an unconnected
    // socket would have read it and counted it ignored). Either way it never counts as received.
    await flush(a, b);
    expect(b.stats()).toMatchObject({ pcmaPacketsReceived: 4, remote: a.local });
    // And B still sends to A, now through the connected socket.
    await flush(b, a);
    expect(a.stats().pcmaPacketsReceived).toBe(4);
  });

  it('follows a re-INVITE to a new address after the latch and latches again there', async () => {
    const a = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 }));
    const b = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 }));
    const c = track(await openRtpSession({ bindAddress: LOOPBACK, ports, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 }));
    a.setRemote(b.local);
    await flush(a, b);
    await flush(b, a);
    // The far end moves from A to C (a re-INVITE's SDP): B sends to C at once, and C's audio is taken.
    b.setRemote(c.local);
    c.setRemote(b.local);
    await flush(b, c);
    await flush(c, b);
    expect(b.stats()).toMatchObject({ pcmaPacketsReceived: 4, remote: c.local, sendErrors: 0 });
  });

  it('frees its port on close', async () => {
    // A one-port range made of a port just seen free, so parallel test runs rarely collide.
    const probe = await openRtpSession({ bindAddress: LOOPBACK, ports, portRange: [30000, 30999], remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 });
    const port = probe.local.port;
    await probe.close();
    const range = [port, port + 1] as const;
    const first = await openRtpSession({ bindAddress: LOOPBACK, ports, portRange: range, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 });
    expect(first.local.port).toBe(port);
    await expect(openRtpSession({ bindAddress: LOOPBACK, ports, portRange: range, remote: { address: LOOPBACK, port: 9 } })).rejects.toThrow(NoFreePortError);
    await first.close();
    await first.close(); // idempotent
    await expect(first.play(tone(440, 100))).resolves.toBeUndefined();
    const second = track(await openRtpSession({ bindAddress: LOOPBACK, ports, portRange: range, remote: { address: LOOPBACK, port: 9 }, rtpTimeoutMs: 0 }));
    expect(second.local.port).toBe(port);
  });

  it('refuses port ranges at or below 1024', async () => {
    await expect(openRtpSession({ bindAddress: LOOPBACK, ports, portRange: [1000, 1100], remote: { address: LOOPBACK, port: 9 } })).rejects.toThrow(RangeError);
  });

  it('resolves a running play() when the session closes', async () => {
    const [a, b] = await pair();
    const playing = a.play(tone(440, 5000));
    await waitForCount(() => b.stats().pcmaPacketsReceived, 3);
    await a.close();
    await expect(playing).resolves.toBeUndefined();
    expect(a.stats().packetsSent).toBeLessThan(250);
  });
});
