import { describe, expect, it } from 'vitest';
import { tone } from '../media/wav.js';
import { seededRandom, whiteNoise } from './phone-channel.js';
import { findSpeech, frameLevels, hasSpeech } from './speech-gate.js';

const noise = (ms: number, rms: number, seed = 7) => {
  const n = whiteNoise((ms * 8000) / 1000, seededRandom(seed));
  return Int16Array.from(n, (v) => Math.max(-32768, Math.min(32767, Math.round(v * rms * 32768))));
};

describe('speech gate', () => {
  it('hears nothing in digital silence', () => {
    expect(hasSpeech(new Int16Array(16_000))).toBe(false);
  });

  it('hears nothing in steady white noise, even loud', () => {
    expect(hasSpeech(noise(2000, 0.01))).toBe(false);
    expect(hasSpeech(noise(2000, 0.3))).toBe(false);
  });

  it('hears a burst that rises above the line floor, and says where it is', () => {
    const line = noise(2000, 0.003);
    const burst = tone(440, 400, 0.3);
    line.set(burst, 8000);
    const span = findSpeech(line);
    expect(span).not.toBeNull();
    // Frames are 160 samples: the span starts and ends on frame edges around the burst.
    expect(span!.start).toBeGreaterThanOrEqual(8000 - 160);
    expect(span!.start).toBeLessThanOrEqual(8000);
    expect(span!.end).toBeGreaterThanOrEqual(8000 + burst.length - 160);
    expect(span!.end).toBeLessThanOrEqual(8000 + burst.length + 160);
  });

  it('ignores a click shorter than a syllable', () => {
    const line = noise(2000, 0.003);
    line.set(tone(440, 60, 0.5), 4000);
    expect(hasSpeech(line)).toBe(false);
  });

  it('measures each 20 ms frame in dBFS', () => {
    const levels = frameLevels(tone(1000, 100, 0.5));
    expect(levels).toHaveLength(5);
    // A sine at half scale: RMS 0.354 of full scale, -9 dBFS.
    for (const level of levels) expect(level).toBeCloseTo(-9.03, 1);
  });
});
