import { describe, expect, it } from 'vitest';
import { resample } from './resample.js';
import { decodeWav } from './wav-decode.js';

function tone(hz: number, rate: number, seconds: number, amplitude = 10000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** RMS away from the edges, where the filter sees silence beyond the input. */
function innerRms(samples: Int16Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 100; i < samples.length - 100; i++, n++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / n);
}

function wav(opts: { rate: number; channels: number; bits: 8 | 16; frames: number[][]; declaredDataSize?: number }): Uint8Array {
  const bytesPerSample = opts.bits / 8;
  const dataSize = opts.frames.length * opts.channels * bytesPerSample;
  const buf = new DataView(new ArrayBuffer(44 + dataSize));
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) buf.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  buf.setUint32(4, 36 + dataSize, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  buf.setUint32(16, 16, true);
  buf.setUint16(20, 1, true);
  buf.setUint16(22, opts.channels, true);
  buf.setUint32(24, opts.rate, true);
  buf.setUint32(28, opts.rate * opts.channels * bytesPerSample, true);
  buf.setUint16(32, opts.channels * bytesPerSample, true);
  buf.setUint16(34, opts.bits, true);
  text(36, 'data');
  buf.setUint32(40, opts.declaredDataSize ?? dataSize, true);
  let at = 44;
  for (const frame of opts.frames) {
    for (const v of frame) {
      if (opts.bits === 16) buf.setInt16(at, v, true);
      else buf.setUint8(at, v);
      at += bytesPerSample;
    }
  }
  return new Uint8Array(buf.buffer);
}

describe('resample', () => {
  it('keeps a 1 kHz tone and removes a 6 kHz one going 22,050 -> 8,000 Hz', () => {
    const kept = resample(tone(1000, 22050, 1), 22050, 8000);
    expect(kept.length).toBe(8000);
    expect(innerRms(kept)).toBeCloseTo(10000 / Math.SQRT2, -2);
    // 6 kHz is above the new Nyquist (4 kHz): it must not alias back into the band.
    expect(innerRms(resample(tone(6000, 22050, 1), 22050, 8000))).toBeLessThan(100);
  });

  it('keeps a constant level and handles other rates', () => {
    const dc = resample(new Int16Array(16000).fill(1234), 16000, 8000);
    expect(dc[4000]).toBe(1234);
    expect(resample(tone(500, 8000, 0.5), 8000, 22050).length).toBe(11025);
    expect(resample(tone(500, 22051, 1), 22051, 8000).length).toBe(8000);
  });
});

describe('decodeWav', () => {
  it('reads 16-bit mono', () => {
    const { sampleRate, samples } = decodeWav(wav({ rate: 22050, channels: 1, bits: 16, frames: [[1], [-2], [32767]] }));
    expect(sampleRate).toBe(22050);
    expect([...samples]).toEqual([1, -2, 32767]);
  });

  it("clamps espeak-ng's streamed placeholder data size to the bytes received", () => {
    const { samples } = decodeWav(wav({ rate: 22050, channels: 1, bits: 16, frames: [[5], [6]], declaredDataSize: 0x7ffff000 }));
    expect([...samples]).toEqual([5, 6]);
  });

  it('mixes stereo down and widens 8-bit', () => {
    expect([...decodeWav(wav({ rate: 8000, channels: 2, bits: 16, frames: [[100, 300]] })).samples]).toEqual([200]);
    expect([...decodeWav(wav({ rate: 8000, channels: 1, bits: 8, frames: [[128], [255]] })).samples]).toEqual([0, 127 << 8]);
  });

  it('refuses what is not a WAV', () => {
    expect(() => decodeWav(new TextEncoder().encode('hello world, not audio'))).toThrow(/RIFF/);
  });
});
