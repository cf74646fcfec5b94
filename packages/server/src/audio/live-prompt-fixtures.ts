import { decodePcma } from '../telephony/media/index.js';
import { pcmWav, sine } from './test-audio.js';

/** The prompt the operator takes down (1 kHz) and the one the call plays next (400 Hz), at 8 kHz. */
export const CLAIMED_HZ = 1000;
export const NEXT_HZ = 400;

/** A base64 WAV of a tone: 8 kHz 16-bit mono, so 40 s still fits the 1 MiB JSON body. */
export const toneWav = (hz: number, seconds: number): string => pcmWav(sine(8000, seconds, hz), 8000).toString('base64');

/**
 * Which of the two tones a 20 ms PCMA payload carries, by its zero crossings (a tone of f Hz crosses
 * zero 2f times a second: 40 in 20 ms at 1 kHz, 16 at 400 Hz); 'silence' for a quiet frame.
 */
export function toneIn(payload: Buffer): 'claimed' | 'next' | 'silence' | 'other' {
  const pcm = decodePcma(payload);
  let energy = 0;
  let crossings = 0;
  for (let i = 0; i < pcm.length; i++) {
    energy += Math.abs(pcm[i]!);
    if (i > 0 && (pcm[i - 1]! < 0) !== (pcm[i]! < 0)) crossings++;
  }
  if (energy / Math.max(1, pcm.length) < 200) return 'silence';
  const perSecond = (crossings * 8000) / pcm.length / 2;
  if (Math.abs(perSecond - CLAIMED_HZ) < 150) return 'claimed';
  if (Math.abs(perSecond - NEXT_HZ) < 100) return 'next';
  return 'other';
}
