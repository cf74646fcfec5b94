/**
 * What a telephone line does to speech, for building test audio: the 300-3400 Hz band of a phone
 * channel, white noise at a chosen SNR, and the A-law round trip of G.711. Deterministic (seeded noise)
 * so a bench run and a test see the same samples.
 */
import { decodePcma, encodePcma, SAMPLE_RATE } from '../media/g711.js';

/** Taps of the band-pass: 129 at 8 kHz gives a transition band of about 100 Hz. */
const BAND_TAPS = 129;

let bandFilter: Float32Array | undefined;

/** A windowed-sinc (Hamming) band-pass FIR, 300-3400 Hz at 8 kHz, built once. */
function phoneBandFilter(): Float32Array {
  if (bandFilter) return bandFilter;
  const lo = 300 / SAMPLE_RATE;
  const hi = 3400 / SAMPLE_RATE;
  const m = (BAND_TAPS - 1) / 2;
  const h = new Float32Array(BAND_TAPS);
  for (let i = 0; i < BAND_TAPS; i++) {
    const k = i - m;
    const lowpass = (fc: number) => (k === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * k) / (Math.PI * k));
    const window = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (BAND_TAPS - 1));
    h[i] = (lowpass(hi) - lowpass(lo)) * window;
  }
  bandFilter = h;
  return h;
}

/** Filters 8 kHz samples to the 300-3400 Hz telephone band (zero phase: the filter is centred). */
export function phoneBand(input: Float32Array): Float32Array {
  const h = phoneBandFilter();
  const m = (h.length - 1) / 2;
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    let acc = 0;
    const from = Math.max(0, i + m - (input.length - 1));
    const to = Math.min(h.length - 1, i + m);
    for (let k = from; k <= to; k++) acc += input[i + m - k]! * h[k]!;
    out[i] = acc;
  }
  return out;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian white noise of unit variance (Box-Muller over `random`). */
export function whiteNoise(length: number, random: () => number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = Math.max(random(), Number.MIN_VALUE);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Mean power of the samples whose magnitude is above 1/1000 of the peak: the speech, not the pauses around it. */
export function speechPower(samples: Float32Array): number {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const floor = peak / 1000;
  let sum = 0;
  let n = 0;
  for (const s of samples) {
    if (Math.abs(s) > floor) {
      sum += s * s;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Options for {@link phoneChannel}. */
export interface PhoneChannelOptions {
  /** Signal-to-noise ratio in dB of the white noise added; undefined adds none. */
  snrDb?: number | undefined;
  /** Seed of the noise, so the same clip gets the same noise. */
  seed?: number;
  /** Speech level, RMS in dBFS over the speech: -20 is a usual telephone talker level. */
  levelDbfs?: number;
  /** Silence (then noise) in milliseconds added before and after, as a caller pauses around a word. */
  padMs?: number;
}

/**
 * Passes 8 kHz speech through a phone line: pause before and after, 300-3400 Hz band, level set to
 * `levelDbfs`, white noise at `snrDb` (relative to the speech's power), then A-law encode and decode.
 * Returns the A-law bytes, which is what arrives in a PCMA RTP stream.
 */
export function phoneChannel(speech: Int16Array, options: PhoneChannelOptions = {}): Uint8Array {
  const pad = Math.round(((options.padMs ?? 400) * SAMPLE_RATE) / 1000);
  const x = new Float32Array(speech.length + 2 * pad);
  for (let i = 0; i < speech.length; i++) x[pad + i] = speech[i]! / 32768;
  const band = phoneBand(x);
  const power = speechPower(band);
  const gain = power > 0 ? 10 ** ((options.levelDbfs ?? -20) / 20) / Math.sqrt(power) : 0;
  for (let i = 0; i < band.length; i++) band[i]! *= gain;
  if (options.snrDb !== undefined) {
    const noiseRms = Math.sqrt(speechPower(band) / 10 ** (options.snrDb / 10));
    const noise = whiteNoise(band.length, seededRandom(options.seed ?? 1));
    for (let i = 0; i < band.length; i++) band[i]! += noise[i]! * noiseRms;
  }
  const pcm = new Int16Array(band.length);
  for (let i = 0; i < band.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(band[i]! * 32768)));
  return encodePcma(pcm);
}

/** The PCM a receiver decodes from {@link phoneChannel}'s A-law. */
export function phoneChannelPcm(speech: Int16Array, options: PhoneChannelOptions = {}): Int16Array {
  return decodePcma(phoneChannel(speech, options));
}
