import { createSocket, type Socket } from 'node:dgram';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaSession } from '../backend.js';
import { decodePcma, decodeRtp, encodeDtmfPayload, encodePcma, encodeRtp, RtpPorts, type RtpPacket, toPcmaFrames, tone } from '../media/index.js';

const ports = new RtpPorts();
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { openRtpengineMedia } from './rtpengine-media.js';
import { RtpengineNg } from './rtpengine-ng.js';
import { rtpengineFileId } from './rtpengine-recording.js';
import { MediaWorkerPool } from '../media/worker/media-pool.js';
import { mix } from '../media/worker/worker-conference.js';

/**
 * Against a REAL rtpengine (Debian's rtpengine-daemon, userspace on loopback). The test plays the
 * caller: a UDP socket whose address is in the SDP offer, receiving what rtpengine sends it.
 */
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';
if (!binary && !strict) {
  console.warn('rtpengine-media.test: skipped — no `rtpengine` binary (apt-get install rtpengine-daemon); PROLOPE_TEST_STRICT=1 makes this a failure');
}

const offerSdp = (port: number) =>
  [
    'v=0',
    'o=caller 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 8 101`,
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');

class Caller {
  readonly packets: RtpPacket[] = [];
  private seq = 1;
  private ts = 0;
  private constructor(readonly socket: Socket) {
    socket.on('message', (msg) => {
      const p = decodeRtp(msg);
      if (p) this.packets.push(p);
    });
  }
  static async open(): Promise<Caller> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new Caller(s);
  }
  get port(): number {
    return this.socket.address().port;
  }
  /** RTP packets sent so far. */
  get sent(): number {
    return this.seq - 1;
  }
  send(to: { address: string; port: number }, payloadType: number, payload: Uint8Array, marker = false, advance = 160): void {
    this.socket.send(encodeRtp({ payloadType, sequenceNumber: this.seq++, timestamp: this.ts, ssrc: 0x1234, marker, payload }), to.port, to.address);
    this.ts += advance;
  }
  close(): void {
    this.socket.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe.skipIf(!binary && !strict)('rtpengine media (real daemon)', () => {
  let daemon: RtpengineDaemon;
  let ng: RtpengineNg;

  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    // --delete-delay=0: `delete` forgets the call at once, so the test can see it is gone.
    daemon = await startRtpengine(binary, [36000, 36199], ['--delete-delay=0']);
    ng = new RtpengineNg({ host: '127.0.0.1', port: daemon.ngPort });
  });

  // Our media plane as the server runs it: two media workers, so a bridge and a mix cross between them.
  const pool = new MediaWorkerPool({ size: 2 });
  afterAll(async () => {
    ng?.close();
    await daemon?.stop();
    await pool.terminate();
  });

  /** A call whose session behind rtpengine is a media worker's, as with PROLOPE_MEDIA_WORKERS. */
  function openInWorker(callId: string, caller: Caller): Promise<MediaSession> {
    return openRtpengineMedia({
      ng,
      callId,
      fromTag: `caller-${callId}`,
      offerSdp: offerSdp(caller.port),
      dtmfPayloadType: 101,
      leg: { bindAddress: '127.0.0.1', ports, portRange: [36400, 36499], pool },
    });
  }

  async function open(callId: string, caller: Caller, recordingDir?: string): Promise<MediaSession> {
    return openRtpengineMedia({
      ng,
      callId,
      fromTag: `caller-${callId}`,
      offerSdp: offerSdp(caller.port),
      dtmfPayloadType: 101,
      leg: { bindAddress: '127.0.0.1', ports, portRange: [36400, 36499] },
      ...(recordingDir ? { recordingDir } : {}),
    });
  }

  /**
   * The caller talks: `ms` of a tone as paced 20 ms PCMA packets; answers what a recording of it must
   * hold. Returns once our leg heard every packet: rtpengine captured each before forwarding it, so
   * what comes next (pause, mute, stop) is after them in time, however slow the machine.
   */
  async function talk(caller: Caller, media: MediaSession, hz: number, ms: number): Promise<Int16Array> {
    const frames = toPcmaFrames(tone(hz, ms));
    for (const frame of frames) {
      caller.send(media.local, 8, frame);
      await sleep(20);
    }
    await waitFor(() => media.stats().packetsReceived >= caller.sent);
    return decodePcma(concatBytes(frames));
  }

  const pcapsOf = async (callId: string) =>
    (await readdir(join(daemon.recordingDir, 'pcaps')).catch(() => [] as string[])).filter((n) => n.startsWith(`${rtpengineFileId(callId)}-`));

  /** rtpengine opens a new pcap on each ng `start recording` (sent by startRecording/resume/another's stop). */
  async function pcapsReach(callId: string, count: number): Promise<void> {
    const end = Date.now() + 3000;
    while ((await pcapsOf(callId)).length < count) {
      if (Date.now() > end) throw new Error(`rtpengine opened no pcap #${count} for ${callId}`);
      await sleep(10);
    }
  }

  it('offers/answers PCMA through rtpengine, plays a prompt from our media plane to the caller as 20 ms PCMA, then deletes the call', async () => {
    const caller = await Caller.open();
    const media = await open('call-play', caller);
    try {
      // Our 183/200 advertise rtpengine's caller-facing port, not our own socket.
      expect(media.local.address).toBe('127.0.0.1');
      expect(media.local.port).toBeGreaterThanOrEqual(36000);
      expect(media.local.port).toBeLessThanOrEqual(36199);

      const prompt = tone(440, 400);
      await media.play(prompt);
      // Our session played it (not rtpengine's `play media`), and rtpengine forwarded every frame as sent.
      await waitFor(() => caller.packets.filter((p) => p.payloadType === 8).length >= 20);
      const pcma = caller.packets.filter((p) => p.payloadType === 8);
      expect(pcma.length).toBe(20);
      expect(concatBytes(pcma.map((p) => p.payload))).toEqual(concatBytes(toPcmaFrames(prompt)));
      for (let i = 1; i < pcma.length; i++) {
        expect(pcma[i]!.payload.length).toBe(160);
        expect((pcma[i]!.timestamp - pcma[i - 1]!.timestamp) >>> 0).toBe(160);
        expect((pcma[i]!.sequenceNumber - pcma[i - 1]!.sequenceNumber) & 0xffff).toBe(1);
      }
      expect(media.stats().packetsSent).toBe(20);
    } finally {
      await media.close();
      caller.close();
    }
    // `delete` removed the call from rtpengine.
    await expect(ng.command('query', { 'call-id': 'call-play' })).rejects.toThrow(/Unknown call-id/i);
  });

  it('hands the caller’s RFC 4733 digits, audio (recording) and our DTMF through rtpengine', async () => {
    const caller = await Caller.open();
    const media = await open('call-dtmf', caller);
    const digits: string[] = [];
    media.onDtmf((d) => digits.push(d));
    try {
      // Caller audio: 10 PCMA packets; rtpengine forwards them to our leg, which records them.
      const rec = media.startRecording();
      const frame = encodePcma(tone(300, 20));
      for (let i = 0; i < 10; i++) {
        caller.send(media.local, 8, frame, i === 0);
        await sleep(20);
      }
      await waitFor(() => media.stats().packetsReceived >= 10);
      expect((await rec.stop()).length).toBeGreaterThanOrEqual(1600);

      // Caller presses 7: three updates and three end packets of one event, same timestamp.
      for (let i = 1; i <= 6; i++) {
        const end = i > 3;
        caller.send(media.local, 101, encodeDtmfPayload({ event: 7, end, volume: 10, duration: Math.min(i, 4) * 160 }), i === 1, 0);
        await sleep(20);
      }
      await waitFor(() => digits.length === 1);
      expect(digits).toEqual(['7']);

      // Our digit reaches the caller as telephone-event packets.
      await media.sendDtmf('3', 100);
      await waitFor(() => caller.packets.some((p) => p.payloadType === 101 && (p.payload[1]! & 0x80) !== 0));
      const events = caller.packets.filter((p) => p.payloadType === 101);
      expect(events.every((p) => p.payload[0] === 3)).toBe(true);
    } finally {
      await media.close();
      caller.close();
    }
  });

  it('records through rtpengine: its pcap holds the caller’s PCMA, read back by timestamp, paused and muted parts handled', async () => {
    const caller = await Caller.open();
    const callId = 'call-rec@203.0.113.7';
    const media = await open(callId, caller, daemon.recordingDir);
    try {
      const rec = media.startRecording();
      // rtpengine writes the file, not our leg.
      await pcapsReach(callId, 1);
      const first = await talk(caller, media, 300, 400);

      rec.pause();
      await talk(caller, media, 1000, 200); // left out, and not written: rtpengine stopped recording
      rec.resume();
      await pcapsReach(callId, 2);
      const third = await talk(caller, media, 500, 200);
      media.setMuted(true);
      await talk(caller, media, 700, 200);
      media.setMuted(false);
      const fifth = await talk(caller, media, 900, 200);

      const pcm = await rec.stop();
      expect(pcm).toEqual(concatPcm([first, third, new Int16Array(1600), fifth]));
      expect(rms(pcm.subarray(0, 3200))).toBeGreaterThan(1000);
      // Read and removed: rtpengine's pcaps (one per `start recording`) do not pile up.
      expect(await pcapsOf(callId)).toEqual([]);
      expect(daemon.output()).toMatch(/Turning on call recording/);
    } finally {
      await media.close();
      caller.close();
    }
  });

  it('two recordings at once on one call each get their own span of rtpengine’s recording', async () => {
    const caller = await Caller.open();
    const callId = 'call-rec-2';
    const media = await open(callId, caller, daemon.recordingDir);
    try {
      const whole = media.startRecording();
      await pcapsReach(callId, 1);
      const a = await talk(caller, media, 300, 200);
      const part = media.startRecording();
      const b = await talk(caller, media, 600, 200);
      const partPcm = part.stop(); // rtpengine closes its file (so it is complete) and opens a new one
      await pcapsReach(callId, 2);
      const c = await talk(caller, media, 900, 200);
      expect(await partPcm).toEqual(b);
      expect(await whole.stop()).toEqual(concatPcm([a, b, c]));
      expect(await pcapsOf(callId)).toEqual([]);
    } finally {
      await media.close();
      caller.close();
    }
  });

  it('bridges two calls in our media plane: each caller’s PCMA reaches the other through rtpengine, untouched', async () => {
    const [callerA, callerB] = [await Caller.open(), await Caller.open()];
    const [a, b] = [await openInWorker('bridge-a', callerA), await openInWorker('bridge-b', callerB)];
    try {
      const unbridge = a.bridge(b);
      const frames = toPcmaFrames(tone(440, 200));
      for (const frame of frames) {
        callerA.send(a.local, 8, frame);
        await sleep(20);
      }
      await waitFor(() => callerB.packets.filter((p) => p.payloadType === 8).length >= frames.length);
      const heard = callerB.packets.filter((p) => p.payloadType === 8);
      expect(concatBytes(heard.map((p) => p.payload))).toEqual(concatBytes(frames));
      // Relayed as a stream of B's session's own, not the caller's SSRC.
      expect(new Set(heard.map((p) => p.ssrc)).size).toBe(1);
      expect(heard[0]!.ssrc).not.toBe(0x1234);
      expect(callerA.packets.filter((p) => p.payloadType === 8)).toEqual([]);
      unbridge();
    } finally {
      await Promise.all([a.close(), b.close()]);
      callerA.close();
      callerB.close();
    }
  });

  it('mixes three calls (no MixNotSupportedError on drachtio): the others hear who talks, the talker does not hear itself', async () => {
    const callers = [await Caller.open(), await Caller.open(), await Caller.open()];
    const media = [await openInWorker('mix-a', callers[0]!), await openInWorker('mix-b', callers[1]!), await openInWorker('mix-c', callers[2]!)];
    try {
      const conference = mix(media);
      const spoken = await talk(callers[0]!, media[0]!, 440, 400);
      // The mix of the last frames reaches the listeners a frame or two after the talker's last packet.
      const loud = (c: Caller) => rms(decodePcma(concatBytes(c.packets.filter((p) => p.payloadType === 8).map((p) => p.payload))));
      await waitFor(() => loud(callers[1]!) > rms(spoken) / 3 && loud(callers[2]!) > rms(spoken) / 3);
      expect(loud(callers[0]!)).toBeLessThan(rms(spoken) / 50);
      conference.close();
    } finally {
      await Promise.all(media.map((m) => m.close()));
      for (const c of callers) c.close();
    }
  });
});

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function concatPcm(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const v of pcm) sum += v * v;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}
