import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBuffer } from './recording-buffer.js';
import type { RtpSession } from './rtp-session.js';
import { openPair, waitForCount } from './test-helpers.js';
import { tone } from './wav.js';

/**
 * The pieces a bridge, mute and silence detection stand on, between two real sessions on loopback:
 * onAudio hands over each received frame, sendAudioFrame relays one at once, setMuted turns what
 * arrives into silence for recordings and listeners, and a paused recording leaves time out.
 */
const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / Math.max(1, pcm.length));

describe('live audio on an RTP session', () => {
  let pair: [RtpSession, RtpSession] | undefined;
  afterEach(async () => {
    await Promise.all(pair?.map((s) => s.close()) ?? []);
    pair = undefined;
  });

  it('hands each received frame to onAudio listeners, until unsubscribed', async () => {
    pair = await openPair();
    const [a, b] = pair;
    const frames: Int16Array[] = [];
    const off = b.onAudio((pcm) => frames.push(pcm));
    await a.play(tone(1000, 200));
    await waitForCount(() => frames.length, 10);
    expect(frames).toHaveLength(10);
    expect(frames.every((f) => f.length === 160)).toBe(true);
    expect(rms(frames[5]!)).toBeGreaterThan(5000);
    off();
    await a.play(tone(1000, 100));
    await new Promise((r) => setTimeout(r, 100));
    expect(frames).toHaveLength(10);
  });

  it('relays frames with sendAudioFrame: one marker, then timestamps 160 apart and consecutive sequence numbers', async () => {
    pair = await openPair();
    const [a, b] = pair;
    const seen: Array<{ ts: number; seq: number; marker: boolean }> = [];
    b.onPacket((p) => seen.push({ ts: p.timestamp, seq: p.sequenceNumber, marker: p.marker }));
    const pcm = tone(800, 200);
    // Back to back: a relay passes frames on as they come, and a gap over 60 ms would rightly start a
    // new talkspurt (a second marker), which a timer-paced loop gets on a loaded machine.
    for (let i = 0; i < 10; i++) a.sendAudioFrame(pcm.subarray(i * 160, (i + 1) * 160));
    await waitForCount(() => seen.length, 10);
    expect(seen.map((p) => p.marker)).toEqual([true, ...Array(9).fill(false)]);
    for (let i = 1; i < seen.length; i++) {
      expect((seen[i]!.ts - seen[i - 1]!.ts) >>> 0).toBe(160);
      expect((seen[i]!.seq - seen[i - 1]!.seq) & 0xffff).toBe(1);
    }
  });

  it('while muted, recordings and listeners get silence of the same length; DTMF still counts', async () => {
    pair = await openPair({ dtmfPayloadType: 101 });
    const [a, b] = pair;
    const digits: string[] = [];
    b.onDtmf((d) => digits.push(d));
    b.setMuted(true);
    const heard: Int16Array[] = [];
    b.onAudio((pcm) => heard.push(pcm));
    const recording = b.startRecording();
    await a.play(tone(1000, 400));
    await a.sendDtmf('5');
    await waitForCount(() => digits.length, 1);
    const muted = await recording.stop();
    expect(muted.length).toBeGreaterThanOrEqual(3000);
    expect(rms(muted)).toBe(0);
    expect(heard.length).toBeGreaterThanOrEqual(19);
    expect(heard.every((f) => rms(f) === 0)).toBe(true);
    expect(digits).toEqual(['5']);

    b.setMuted(false);
    const open = b.startRecording();
    await a.play(tone(1000, 400));
    await new Promise((r) => setTimeout(r, 60));
    expect(rms(await open.stop())).toBeGreaterThan(5000);
  });
});

describe('RecordingBuffer pause', () => {
  it('leaves the paused part out: audio after resume follows on directly', () => {
    const buffer = new RecordingBuffer();
    const frame = new Int16Array(160).fill(1000);
    buffer.add(frame, 0, 7);
    buffer.add(frame, 160, 7);
    buffer.pause();
    buffer.add(frame, 320, 7);
    buffer.add(frame, 480, 7);
    buffer.resume();
    buffer.add(frame, 8000 * 3, 7); // three seconds later on the sender's clock
    expect(buffer.toPcm().length).toBe(480);
  });
});
