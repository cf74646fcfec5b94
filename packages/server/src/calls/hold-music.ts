import { tone } from '../telephony/media/index.js';

/**
 * What the other party of a bridge hears while one side holds the call. The hook for per-account hold
 * music (issue 17 item 8: an uploaded prompt, `audio` branch): that replaces this function's body with a
 * lookup of the account's prompt, falling back to the default below. The calls domain asks for it once
 * per hold and plays it in a loop until the resume.
 */
export async function holdMusicFor(_accountId: string): Promise<Int16Array> {
  return DEFAULT_HOLD_MUSIC;
}

/** Hold music built in: a soft rising C-major arpeggio, 2.4 s, then the loop starts again. */
function arpeggio(): Int16Array {
  // C4 E4 G4 C5 G4 E4: 400 ms each, quiet (-18 dBFS peak) so it is no strain on a long hold.
  const notes = [261.63, 329.63, 392.0, 523.25, 392.0, 329.63].map((hz) => fade(tone(hz, 400, 0.125)));
  const out = new Int16Array(notes.reduce((n, note) => n + note.length, 0));
  let at = 0;
  for (const note of notes) {
    out.set(note, at);
    at += note.length;
  }
  return out;
}

/** 10 ms fade in and out, so the notes do not click. */
function fade(note: Int16Array): Int16Array {
  const ramp = 80;
  for (let i = 0; i < ramp && i < note.length; i++) {
    note[i] = Math.round((note[i]! * i) / ramp);
    note[note.length - 1 - i] = Math.round((note[note.length - 1 - i]! * i) / ramp);
  }
  return note;
}

/** Made once: the same samples for every call (read-only). */
export const DEFAULT_HOLD_MUSIC: Int16Array = arpeggio();
