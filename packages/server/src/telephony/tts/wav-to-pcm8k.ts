import { resample } from './resample.js';
import { TTS_SAMPLE_RATE } from './tts-engine.js';
import { decodeWav } from './wav-decode.js';

/** Turns an engine's WAV output into what the media layer plays: 16-bit mono PCM at 8 kHz. */
export function wavToPcm8k(wav: Uint8Array): Int16Array {
  const { sampleRate, samples } = decodeWav(wav);
  return sampleRate === TTS_SAMPLE_RATE ? samples : resample(samples, sampleRate, TTS_SAMPLE_RATE);
}
