import { MPEGDecoder } from 'mpg123-decoder';
import { ProblemError } from '../errors.js';
import { readWavAs8kPcm, resampleTo8k, SAMPLE_RATE } from '../telephony/media/index.js';

/** The longest prompt kept (issue 17 item 8): ten minutes. */
export const MAX_DURATION_MS = 10 * 60_000;

export type SourceFormat = 'wav' | 'mp3';

export interface DecodedUpload {
  format: SourceFormat;
  /** 8 kHz 16-bit mono. */
  samples: Int16Array;
  durationMs: number;
}

/** What the first bytes say the file is: RIFF/WAVE, or MPEG audio (an ID3 tag or a frame sync). */
export function sniffFormat(bytes: Uint8Array): SourceFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (bytes.length >= 3 && ascii(0, 3) === 'ID3') return 'mp3';
  // Frame sync: 11 set bits, then a version and a layer that are not the reserved values.
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 && (bytes[1]! & 0x18) !== 0x08 && (bytes[1]! & 0x06) !== 0) return 'mp3';
  return undefined;
}

function unreadable(detail: string, param: string): ProblemError {
  return new ProblemError('audio_unreadable', detail, { param });
}

function tooLong(length: string, param: string): ProblemError {
  return new ProblemError('audio_too_long', `The audio lasts ${length}; prompts may last at most 10 minutes. Cut it, or split it into several prompts.`, { param });
}

const MP3_CHUNK = 64 * 1024;

class TooLong extends Error {}

/**
 * Decodes MP3 with mpg123 (WebAssembly), a chunk at a time: a small file at a low bit rate can hold
 * hours, so decoding stops as soon as it passes ten minutes instead of filling memory first. Channels
 * are averaged as they come; the whole is resampled to 8 kHz once at the end.
 */
async function decodeMp3(bytes: Uint8Array): Promise<Int16Array | undefined> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const parts: Int16Array[] = [];
    let total = 0;
    let rate = 0;
    for (let at = 0; at < bytes.length; at += MP3_CHUNK) {
      const { channelData, samplesDecoded, sampleRate } = decoder.decode(bytes.subarray(at, at + MP3_CHUNK));
      if (samplesDecoded === 0) continue;
      rate ||= sampleRate;
      const mono = new Int16Array(samplesDecoded);
      for (let i = 0; i < samplesDecoded; i++) {
        let sum = 0;
        for (const channel of channelData) sum += channel[i] ?? 0;
        mono[i] = Math.max(-32768, Math.min(32767, Math.round((sum / channelData.length) * 32767)));
      }
      parts.push(mono);
      total += samplesDecoded;
      if ((total * 1000) / rate > MAX_DURATION_MS + 1000) throw new TooLong();
    }
    if (total === 0 || !(rate > 0)) return undefined;
    const joined = new Int16Array(total);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return resampleTo8k(joined, rate);
  } finally {
    decoder.free();
  }
}

/**
 * Reads an upload as 8 kHz mono PCM and checks it: a WAV or MP3 (by its bytes, not by what the client
 * says), with some audio, at most 10 minutes. `param` names the field the bytes came from.
 */
export async function decodeUpload(bytes: Uint8Array, param: string): Promise<DecodedUpload> {
  const format = sniffFormat(bytes);
  if (!format) {
    throw unreadable('The file is neither a WAV (RIFF/WAVE) nor an MP3 (ID3 tag or MPEG frame). Convert it to one of them; was it base64-encoded twice?', param);
  }
  let samples: Int16Array | undefined;
  try {
    samples = format === 'wav' ? readWavAs8kPcm(bytes) : await decodeMp3(bytes);
  } catch (err) {
    if (err instanceof TooLong) throw tooLong('more than 10 minutes', param);
    throw unreadable(`The ${format.toUpperCase()} file could not be decoded (${(err as Error).message}). Is it complete, and in a supported encoding?`, param);
  }
  if (!samples || samples.length === 0) throw unreadable(`The ${format.toUpperCase()} file holds no audio.`, param);
  const durationMs = Math.round((samples.length * 1000) / SAMPLE_RATE);
  if (durationMs > MAX_DURATION_MS) {
    throw tooLong(`${(durationMs / 60_000).toFixed(1)} minutes`, param);
  }
  return { format, samples, durationMs };
}
