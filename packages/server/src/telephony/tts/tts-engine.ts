/**
 * The pluggable text-to-speech seam. `say` only ever sees this interface, so the engine (espeak-ng
 * from Debian, the bundled mespeak, or a cloud voice later) can change without touching calls.
 */

/** The sample rate every engine returns: the media layer encodes it as PCMA at 8 kHz. */
export const TTS_SAMPLE_RATE = 8000;

/** Speaking rate in words per minute when the caller gives none (eSpeak's own default). */
export const DEFAULT_TTS_RATE = 175;

/** Options for one synthesis. */
export interface TtsOptions {
  /**
   * An engine-specific voice name (e.g. `en-us`, `bg`; espeak-ng also takes variants such as
   * `en+f3`). Wins over `language` when the engine has it.
   */
  voice?: string;
  /** A BCP 47 language tag (`en`, `en-GB`, `bg`). Engines fall back to English when they lack it. */
  language?: string;
  /** Words per minute, clamped to 80-450 (eSpeak's usable range); default 175. */
  rate?: number;
  /** Aborting rejects the promise with an `AbortError` and stops the work where the engine can. */
  signal?: AbortSignal;
}

/** A text-to-speech engine: text in, 16-bit linear PCM out, mono at {@link TTS_SAMPLE_RATE} (8 kHz). */
export interface TtsEngine {
  /** Short engine name for logs and metrics (`espeak-ng`, `mespeak`, `cached(mespeak)`). */
  readonly name: string;
  /**
   * Speaks `text` into 8 kHz mono samples. Empty or blank text gives an empty array. Text longer than
   * {@link MAX_TTS_TEXT_LENGTH} is refused with a `TtsTextTooLongError`.
   */
  synthesize(text: string, opts?: TtsOptions): Promise<Int16Array>;
}

/** Where engines report things an operator should know (a missing voice, say); pino's logger fits. */
export interface TtsLogger {
  warn(message: string): void;
}

/** Clamps a requested rate into eSpeak's usable range so a typo cannot make speech unintelligible. */
export function ttsRate(rate: number | undefined): number {
  if (rate === undefined || !Number.isFinite(rate)) return DEFAULT_TTS_RATE;
  return Math.round(Math.min(450, Math.max(80, rate)));
}
