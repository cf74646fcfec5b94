/**
 * G.711 A-law (PCMA) through alawmulaw, plus the framing constants of terms 5.2 (20 ms packets).
 * alawmulaw ships CommonJS, hence the default import.
 */
import alawmulaw from 'alawmulaw';

/** Samples per second of G.711 and of every PCM buffer in the media layer. */
export const SAMPLE_RATE = 8000;
/** Samples in one 20 ms frame; also the RTP timestamp step per PCMA packet. */
export const FRAME_SAMPLES = 160;
/** Packetization interval in milliseconds. */
export const FRAME_MS = 20;
/** A-law code for linear 0 (0x55 with the even bits inverted), used to pad the last frame. */
export const ALAW_SILENCE = 0xd5;

/** Encodes 16-bit linear PCM to A-law bytes (one byte per sample). */
export function encodePcma(samples: Int16Array): Uint8Array {
  return alawmulaw.alaw.encode(samples);
}

/** Decodes A-law bytes to 16-bit linear PCM. */
export function decodePcma(bytes: Uint8Array): Int16Array {
  return alawmulaw.alaw.decode(bytes);
}

/**
 * Splits PCM into A-law frames of exactly 160 bytes; the last frame is padded with A-law silence so
 * every packet carries a full 20 ms (the receiver's clock counts 160 per packet).
 */
export function toPcmaFrames(samples: Int16Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let start = 0; start < samples.length; start += FRAME_SAMPLES) {
    const chunk = samples.subarray(start, Math.min(start + FRAME_SAMPLES, samples.length));
    const encoded = encodePcma(chunk);
    if (encoded.length === FRAME_SAMPLES) {
      frames.push(encoded);
    } else {
      const padded = new Uint8Array(FRAME_SAMPLES).fill(ALAW_SILENCE);
      padded.set(encoded);
      frames.push(padded);
    }
  }
  return frames;
}
