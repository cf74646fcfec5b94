/**
 * A minimal WAV reader for what eSpeak writes (PCM, 16-bit, mono, 22,050 Hz). Own code rather than
 * wavefile because `espeak-ng --stdout` streams its WAV with a placeholder data size (0x7ffff000) that
 * must be clamped to the bytes actually received, and because we only ever need mono 16-bit out.
 */

/** Decoded audio: mono samples and their rate. */
export interface DecodedWav {
  sampleRate: number;
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Reads a RIFF/WAVE file of 8-bit unsigned or 16-bit signed PCM, any channel count (mixed down to
 * mono). Throws on anything else, naming what it found.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('Not a WAV file (no RIFF/WAVE header)');

  let format: { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    // A streamed WAV declares more than it holds; trust the bytes we have.
    const size = Math.min(declared, bytes.byteLength - body);
    if (id === 'fmt ') {
      if (size < 16) throw new Error('WAV fmt chunk is too short');
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk comes before its fmt chunk');
      return { sampleRate: format.sampleRate, samples: readPcm(view, body, size, format) };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

function readPcm(view: DataView, start: number, size: number, fmt: { audioFormat: number; channels: number; bitsPerSample: number }): Int16Array {
  if (fmt.audioFormat !== WAVE_FORMAT_PCM && fmt.audioFormat !== WAVE_FORMAT_EXTENSIBLE) {
    throw new Error(`WAV format ${fmt.audioFormat} is not linear PCM`);
  }
  if (fmt.bitsPerSample !== 16 && fmt.bitsPerSample !== 8) throw new Error(`WAV has ${fmt.bitsPerSample}-bit samples; only 8 and 16 are read`);
  const channels = Math.max(1, fmt.channels);
  const bytesPerSample = fmt.bitsPerSample / 8;
  const frames = Math.floor(size / (bytesPerSample * channels));
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = start + (i * channels + c) * bytesPerSample;
      // 8-bit WAV is unsigned around 128; scale it up to the 16-bit range.
      sum += bytesPerSample === 2 ? view.getInt16(at, true) : (view.getUint8(at) - 128) << 8;
    }
    out[i] = Math.round(sum / channels);
  }
  return out;
}
