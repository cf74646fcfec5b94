import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { readWavAs8kPcm, resampleTo8k, tone, writeWav8k } from './wav.js';

/** Dominant frequency estimate from zero crossings (enough to tell a resampled tone kept its pitch). */
const zeroCrossingHz = (pcm: Int16Array, rate = 8000) => {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if ((pcm[i - 1]! < 0 && pcm[i]! >= 0) || (pcm[i - 1]! >= 0 && pcm[i]! < 0)) crossings++;
  return crossings / 2 / (pcm.length / rate);
};

describe('tone', () => {
  it('makes 8 kHz samples of the right length, peak and pitch', () => {
    const t = tone(440, 1000);
    expect(t.length).toBe(8000);
    expect(Math.max(...t)).toBeGreaterThan(16000);
    expect(Math.max(...t)).toBeLessThanOrEqual(16384);
    expect(zeroCrossingHz(t)).toBeCloseTo(440, -1);
  });
});

describe('WAV helpers', () => {
  it('writes 8 kHz 16-bit mono PCM that reads back unchanged', () => {
    const samples = tone(1000, 100);
    const buffer = writeWav8k(samples);
    expect(buffer.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const wav = new wavefile.WaveFile(buffer);
    expect(wav.fmt).toMatchObject({ audioFormat: 1, numChannels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(readWavAs8kPcm(buffer)).toEqual(samples);
  });

  it('mixes 48 kHz stereo down to 8 kHz mono, keeping the pitch', () => {
    const n = 48000;
    const left = Int16Array.from({ length: n }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 500 * i) / 48000)));
    const right = new Int16Array(n).fill(0);
    const wav = new wavefile.WaveFile();
    wav.fromScratch(2, 48000, '16', [left, right]);
    const pcm = readWavAs8kPcm(wav.toBuffer());
    expect(pcm.length).toBe(8000);
    expect(zeroCrossingHz(pcm)).toBeCloseTo(500, -1);
    // Mono mix halves the one-sided signal.
    expect(Math.max(...pcm)).toBeGreaterThan(4500);
    expect(Math.max(...pcm)).toBeLessThanOrEqual(5000);
  });

  it('reads A-law, µ-law, 8-bit and float WAVs', () => {
    const source = tone(400, 200);
    const alaw = new wavefile.WaveFile();
    alaw.fromScratch(1, 8000, '16', source);
    alaw.toALaw();
    const mulaw = new wavefile.WaveFile();
    mulaw.fromScratch(1, 8000, '16', source);
    mulaw.toMuLaw();
    const float = new wavefile.WaveFile();
    float.fromScratch(
      1,
      16000,
      '32f',
      Float64Array.from({ length: 3200 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 400 * i) / 16000)),
    );
    const eight = new wavefile.WaveFile();
    eight.fromScratch(
      1,
      8000,
      '8',
      Uint8Array.from(source, (s) => Math.round(s / 256) + 128),
    );
    for (const wav of [alaw, mulaw, float, eight]) {
      const pcm = readWavAs8kPcm(wav.toBuffer());
      expect(pcm.length).toBe(1600);
      expect(zeroCrossingHz(pcm)).toBeCloseTo(400, -1);
      const error = pcm.reduce((max, s, i) => Math.max(max, Math.abs(s - source[i]!)), 0);
      expect(error).toBeLessThan(1200);
    }
  });

  it('upsamples by linear interpolation', () => {
    expect([...resampleTo8k(Int16Array.of(0, 100, 200), 4000)]).toEqual([0, 50, 100, 150, 200, 200]);
  });

  it('throws on a file that is not WAV', () => {
    expect(() => readWavAs8kPcm(Buffer.from('not a wav file at all'))).toThrow();
  });
});
