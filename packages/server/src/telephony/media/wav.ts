/**
 * WAV in and out of the media layer's one PCM format: 8 kHz, 16-bit, mono. Prompts come in whatever
 * customers upload (44.1/48 kHz stereo, A-law, µ-law, float...), recordings go out as plain PCM WAV
 * that every player opens.
 */
import wavefile from 'wavefile';
import { SAMPLE_RATE } from './g711.js';

/** Format tags (fmt.audioFormat) we decode: PCM, IEEE float, A-law, µ-law, IMA ADPCM, extensible. */
const WAVE_FORMAT = { PCM: 1, FLOAT: 3, ALAW: 6, MULAW: 7, IMA_ADPCM: 17, EXTENSIBLE: 0xfffe } as const;

interface FmtChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
}

/**
 * Reads a WAV file (PCM 8/16/24/32-bit, float, A-law, µ-law or IMA ADPCM; any rate; any number of
 * channels) and returns 8 kHz 16-bit mono samples. Channels are averaged. Throws on a file that is not
 * WAV or has an unsupported encoding.
 */
export function readWavAs8kPcm(buffer: Uint8Array): Int16Array {
  const wav = new wavefile.WaveFile(buffer);
  // Copy the fields out: the conversions below rebuild wav.fmt.
  const { audioFormat, numChannels, sampleRate } = wav.fmt as FmtChunk;
  switch (audioFormat) {
    case WAVE_FORMAT.ALAW:
      wav.fromALaw('16');
      break;
    case WAVE_FORMAT.MULAW:
      wav.fromMuLaw('16');
      break;
    case WAVE_FORMAT.IMA_ADPCM:
      wav.fromIMAADPCM('16');
      break;
    case WAVE_FORMAT.PCM:
    case WAVE_FORMAT.FLOAT:
    case WAVE_FORMAT.EXTENSIBLE:
      if (wav.bitDepth !== '16') wav.toBitDepth('16');
      break;
    default:
      throw new Error(`unsupported WAV encoding (format tag ${audioFormat})`);
  }
  const channels =
    numChannels > 1 ? (wav.getSamples(false, Int16Array) as unknown as Int16Array[]) : [wav.getSamples(false, Int16Array) as unknown as Int16Array];
  return resampleTo8k(mixToMono(channels), sampleRate);
}

/** Writes 8 kHz 16-bit PCM as a WAV file: mono, or two channels interleaved left, right. */
export function writeWav8k(samples: Int16Array, channels: 1 | 2 = 1): Buffer {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels, SAMPLE_RATE, '16', samples);
  return Buffer.from(wav.toBuffer());
}

/** Averages the channels into one. */
export function mixToMono(channels: Int16Array[]): Int16Array {
  const first = channels[0];
  if (!first) return new Int16Array(0);
  if (channels.length === 1) return first;
  const out = new Int16Array(first.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i] ?? 0;
    out[i] = Math.round(sum / channels.length);
  }
  return out;
}

/**
 * Resamples to 8 kHz. Linear interpolation between neighbouring input samples is enough for
 * telephone-band speech, which G.711 cuts at 4 kHz anyway. When downsampling, each output sample first
 * averages the input samples around it (a box filter): plain interpolation from 44.1/48 kHz
 * would fold everything above 4 kHz back into the band as audible aliasing.
 */
export function resampleTo8k(input: Int16Array, fromRate: number): Int16Array {
  if (!(fromRate > 0)) throw new RangeError(`invalid sample rate ${fromRate}`);
  if (fromRate === SAMPLE_RATE || input.length === 0) return input;
  const ratio = fromRate / SAMPLE_RATE;
  const outLength = Math.max(1, Math.floor(input.length / ratio));
  const out = new Int16Array(outLength);
  const at = (i: number) => input[Math.min(Math.max(i, 0), input.length - 1)]!;
  for (let n = 0; n < outLength; n++) {
    const pos = n * ratio;
    if (ratio > 1) {
      // Box filter: the mean of an odd number of input samples (about one output period) centred on
      // the nearest input sample, odd so the filter adds no phase shift.
      const half = Math.floor(ratio / 2);
      const centre = Math.round(pos);
      const from = centre - half;
      const to = centre + half + 1;
      let sum = 0;
      for (let i = from; i < to; i++) sum += at(i);
      out[n] = Math.round(sum / (to - from));
    } else {
      const i = Math.floor(pos);
      const frac = pos - i;
      out[n] = Math.round(at(i) * (1 - frac) + at(i + 1) * frac);
    }
  }
  return out;
}

/**
 * An 8 kHz sine tone, for tests and simple prompts (beeps). Amplitude is a fraction of full scale;
 * the default 0.5 (-6 dBFS) is loud but safely clear of clipping.
 */
export function tone(frequencyHz: number, ms: number, amplitude = 0.5): Int16Array {
  const length = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = new Int16Array(length);
  const peak = Math.min(Math.max(amplitude, 0), 1) * 32767;
  for (let i = 0; i < length; i++) out[i] = Math.round(peak * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE));
  return out;
}
