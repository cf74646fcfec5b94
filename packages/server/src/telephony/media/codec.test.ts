import { describe, expect, it } from 'vitest';
import { decodeDtmfPayload, digitToEvent, encodeDtmfPayload, eventToDigit } from './dtmf-event.js';
import alawmulaw from 'alawmulaw';
import { ALAW_SILENCE, decodePcma, encodePcma, FRAME_SAMPLES, toPcmaFrame, toPcmaFrames } from './g711.js';
import { RecordingBuffer } from './recording-buffer.js';
import { decodeRtp, encodeRtp } from './rtp-packet.js';

/** A-law error bound: half a quantization step, which is at most |x|/32 and 8 near zero. */
const alawBound = (x: number) => Math.max(16, Math.abs(x) / 16);

describe('RTP packets', () => {
  it('round-trips the header fields and payload', () => {
    const payload = Uint8Array.from({ length: 160 }, (_, i) => i);
    const packet = { payloadType: 8, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload };
    const wire = encodeRtp(packet);
    expect(wire.length).toBe(172);
    expect(wire[0]).toBe(0x80);
    expect(wire[1]).toBe(0x88);
    const { payload: decodedPayload, ...header } = decodeRtp(wire)!;
    expect(header).toEqual({ payloadType: 8, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef });
    expect(Uint8Array.from(decodedPayload)).toEqual(payload);
    expect(decodeRtp(encodeRtp({ ...packet, marker: false, payloadType: 101 }))).toMatchObject({ marker: false, payloadType: 101 });
  });

  it('skips CSRCs, a header extension and padding', () => {
    const header = Buffer.from([0xb2, 0x08, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 7]); // V=2 P=1 X=1 CC=2
    const csrcs = Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]);
    const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4]);
    const body = Buffer.from([9, 9, 9]);
    const padding = Buffer.from([0, 0, 3]);
    const packet = decodeRtp(Buffer.concat([header, csrcs, extension, body, padding]));
    expect(packet).toMatchObject({ payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 7, csrc: [1, 2] });
    expect([...packet!.payload]).toEqual([9, 9, 9]);
  });

  it.each([
    ['empty', []],
    ['too short', [0x80, 8, 0, 1]],
    ['version 1', [0x40, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['version 0 (STUN-like)', [0x00, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0]],
    ['RTCP receiver report', [0x80, 201, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]],
    ['CSRC count past the end', [0x8f, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['extension past the end', [0x90, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 9]],
    ['padding larger than the payload', [0xa0, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 200]],
    ['zero padding count', [0xa0, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]],
  ])('rejects %s', (_name, bytes) => {
    expect(decodeRtp(Uint8Array.from(bytes))).toBeUndefined();
  });
});

describe('RFC 4733 telephone-event payload', () => {
  it('maps all sixteen digits both ways', () => {
    expect([...'0123456789*#ABCD'].map(digitToEvent)).toEqual([...Array(16).keys()]);
    expect(digitToEvent('a')).toBe(12);
    expect(digitToEvent('E')).toBeUndefined();
    expect(digitToEvent('12')).toBeUndefined();
    expect(eventToDigit(11)).toBe('#');
    expect(eventToDigit(16)).toBeUndefined();
  });

  it('round-trips event, end bit, volume and duration', () => {
    const payload = { event: 11, end: true, volume: 10, duration: 800 };
    expect([...encodeDtmfPayload(payload)]).toEqual([11, 0x8a, 0x03, 0x20]);
    expect(decodeDtmfPayload(encodeDtmfPayload(payload))).toEqual(payload);
    expect(decodeDtmfPayload(Uint8Array.from([1, 2]))).toBeUndefined();
  });
});

describe('G.711 A-law', () => {
  it('round-trips every 16-bit value within half a quantization step', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const back = decodePcma(encodePcma(all));
    let violations = 0;
    for (let i = 0; i < all.length; i++) if (Math.abs(back[i]! - all[i]!) > alawBound(all[i]!)) violations++;
    expect(violations).toBe(0);
  });

  // The tables are built from the library's per-sample functions; this holds them to its array ones.
  it('encodes and decodes every value exactly as alawmulaw does', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    expect(Buffer.from(encodePcma(all)).equals(Buffer.from(alawmulaw.alaw.encode(all)))).toBe(true);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...decodePcma(bytes)]).toEqual([...alawmulaw.alaw.decode(bytes)]);
  });

  it('encodes one frame, short or exact, into 160 bytes', () => {
    expect([...toPcmaFrame(new Int16Array(160).fill(-1200))]).toEqual([...encodePcma(new Int16Array(160).fill(-1200))]);
    const short = toPcmaFrame(new Int16Array(20).fill(3000));
    expect(short.length).toBe(FRAME_SAMPLES);
    expect(short[19]).toBe(encodePcma(Int16Array.of(3000))[0]);
    expect(short[20]).toBe(ALAW_SILENCE);
  });

  it('frames into full 160-byte packets, padding the last with silence', () => {
    const frames = toPcmaFrames(new Int16Array(400).fill(1000));
    expect(frames.map((f) => f.length)).toEqual([FRAME_SAMPLES, FRAME_SAMPLES, FRAME_SAMPLES]);
    expect(frames[2]![79]).not.toBe(ALAW_SILENCE);
    expect(frames[2]![80]).toBe(ALAW_SILENCE);
    expect(decodePcma(Uint8Array.of(ALAW_SILENCE))[0]).toBe(8);
  });
});

describe('RecordingBuffer', () => {
  it('places frames by timestamp: reordering lands right, a gap becomes silence, wrap-around works', () => {
    const rec = new RecordingBuffer();
    const frame = (v: number) => new Int16Array(160).fill(v);
    const base = 0xffffff00; // wraps to 0 within the stream
    rec.add(frame(1), base, 5);
    rec.add(frame(3), (base + 320) >>> 0, 5);
    rec.add(frame(2), (base + 160) >>> 0, 5);
    rec.add(frame(5), (base + 640) >>> 0, 5);
    const pcm = rec.toPcm();
    expect(pcm.length).toBe(800);
    expect([pcm[0], pcm[160], pcm[320], pcm[480], pcm[640]]).toEqual([1, 2, 3, 0, 5]);
  });

  it('appends after a new SSRC or a timestamp jump instead of allocating a huge gap', () => {
    const rec = new RecordingBuffer();
    rec.add(new Int16Array(160).fill(1), 1000, 1);
    rec.add(new Int16Array(160).fill(2), 5, 2);
    rec.add(new Int16Array(160).fill(3), 2_000_000_000, 2);
    const pcm = rec.toPcm();
    expect(pcm.length).toBe(480);
    expect([pcm[0], pcm[160], pcm[320]]).toEqual([1, 2, 3]);
  });
});
