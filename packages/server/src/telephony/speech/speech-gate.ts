/**
 * A cheap test for "did anybody speak?" before the decoder runs: a grammar decoder always answers with
 * its closest phrase, even for silence or line noise, so a menu must first see speech. Speech rises
 * well above the line's own floor in bursts; steady noise, however loud, does not.
 */

/** 20 ms frames at 8 kHz. */
const FRAME = 160;
/** Frames must be this many dB above the line's floor (its quietest tenth) to count as speech. */
const RISE_DB = 9;
/** Below this level (dBFS) nothing counts as speech, however quiet the line: A-law's own steps are about -66. */
const ABSOLUTE_FLOOR_DBFS = -55;
/** How many speech frames make an utterance: 120 ms, shorter than the shortest "no". */
const MIN_SPEECH_FRAMES = 6;

/** Level in dBFS of each 20 ms frame. */
export function frameLevels(pcm: Int16Array): number[] {
  const levels: number[] = [];
  for (let start = 0; start + FRAME <= pcm.length; start += FRAME) {
    let sum = 0;
    for (let i = start; i < start + FRAME; i++) sum += pcm[i]! * pcm[i]!;
    levels.push(10 * Math.log10(sum / FRAME / (32768 * 32768) + 1e-12));
  }
  return levels;
}

/** Where speech is in 8 kHz samples: from the first to the end of the last frame above the floor. */
export interface SpeechSpan {
  start: number;
  end: number;
}

/** The span of `pcm` (8 kHz) holding speech above its own noise floor, or null when there is none. */
export function findSpeech(pcm: Int16Array): SpeechSpan | null {
  const levels = frameLevels(pcm);
  if (levels.length < MIN_SPEECH_FRAMES) return null;
  const sorted = [...levels].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length / 10)]!;
  const threshold = Math.max(floor + RISE_DB, ABSOLUTE_FLOOR_DBFS);
  let count = 0;
  let first = -1;
  let last = -1;
  levels.forEach((level, i) => {
    if (level <= threshold) return;
    count++;
    if (first < 0) first = i;
    last = i;
  });
  return count >= MIN_SPEECH_FRAMES ? { start: first * FRAME, end: (last + 1) * FRAME } : null;
}

/** True when `pcm` (8 kHz) holds a burst of speech above its own noise floor. */
export function hasSpeech(pcm: Int16Array): boolean {
  return findSpeech(pcm) !== null;
}
