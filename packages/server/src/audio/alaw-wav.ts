import wavefile from 'wavefile';
import { decodePcma, encodePcma, SAMPLE_RATE } from '../telephony/media/index.js';

/**
 * Prompts are kept as 8 kHz mono G.711 A-law WAV: the codec calls carry (terms 5.2), half the size of
 * 16-bit PCM, and a file any player opens when the customer downloads it.
 */
export function writeAlawWav(samples: Int16Array): Buffer {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, SAMPLE_RATE, '8a', encodePcma(samples));
  return Buffer.from(wav.toBuffer());
}

/**
 * Reads back a WAV written by writeAlawWav as 8 kHz PCM: the chunks are walked by hand and the A-law
 * decoded by table (decodePcma), which costs far less event-loop time than a general WAV reader for a
 * 10-minute prompt played while other calls' packets wait.
 */
export function readAlawWav(file: Uint8Array): Int16Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const tag = (at: number) => String.fromCharCode(file[at]!, file[at + 1]!, file[at + 2]!, file[at + 3]!);
  if (file.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('stored prompt is not a WAV file');
  let at = 12;
  while (at + 8 <= file.byteLength) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'data') return decodePcma(file.subarray(at + 8, Math.min(file.byteLength, at + 8 + size)));
    at += 8 + size + (size % 2);
  }
  throw new Error('stored prompt has no data chunk');
}
