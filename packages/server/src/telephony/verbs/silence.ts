import type { MediaSession } from '../backend.js';

/**
 * RMS of 16-bit PCM at about -45 dBm0 (A-law's full-scale sine is +3.14 dBm0 at RMS 23170): line
 * noise and comfort noise stay below it, speech does not.
 */
export const SILENCE_RMS = 90;
const CHECK_EVERY_MS = 100;

/** Root mean square of a frame. */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

/**
 * Aborts `signal` after `timeoutMs` without a voiced frame from the far end. Time, not frames, is
 * counted: a phone that stops sending RTP during silence (DTX, VAD) is silent too.
 */
export function watchSilence(media: MediaSession, timeoutMs: number): { signal: AbortSignal; stop(): void; trailingSamples(): number } {
  const controller = new AbortController();
  let lastVoice = Date.now();
  const off = media.onAudio((pcm) => {
    if (rms(pcm) >= SILENCE_RMS) lastVoice = Date.now();
  });
  const timer = setInterval(() => {
    if (Date.now() - lastVoice >= timeoutMs) controller.abort(new Error('silence'));
  }, CHECK_EVERY_MS);
  timer.unref();
  return {
    signal: controller.signal,
    stop() {
      clearInterval(timer);
      off();
    },
    /** The silence at the end, in 8 kHz samples, to cut from the recording. */
    trailingSamples: () => Math.round(((Date.now() - lastVoice) * 8000) / 1000),
  };
}
