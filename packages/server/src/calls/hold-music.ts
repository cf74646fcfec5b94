import { holdMusicFor as accountHoldMusic } from '../audio/hold-music.js';
import type { Db } from '../store/db.js';
import { tone } from '../telephony/media/index.js';
import type { PromptSource } from '../telephony/verbs/verb-host.js';

/** Hold music to loop: its samples, and a signal that aborts when it may no longer play (taken down). */
export interface HoldMusic {
  samples: Int16Array;
  signal?: AbortSignal | undefined;
  release(): void;
}

/**
 * What the other party of a bridge hears while one side holds the call: the account's hold music
 * (`PATCH /v1/hold-music`, an uploaded prompt) opened through the call's prompt source, so the operator's
 * takedown (terms 10.3) stops it like any other playback; else the built-in tune. The calls domain asks
 * once per hold and plays it in a loop until the resume.
 */
export async function holdMusicFor(db: Db, prompts: PromptSource | undefined, accountId: string, signal: AbortSignal): Promise<HoldMusic> {
  const id = prompts ? await accountHoldMusic(db, accountId) : undefined;
  const opened = id && prompts ? await prompts.open(id, signal) : undefined;
  if (!opened) return { samples: DEFAULT_HOLD_MUSIC, release: () => {} };
  return { samples: opened.samples, signal: opened.playback.signal, release: () => opened.playback.release() };
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
