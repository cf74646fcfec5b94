/**
 * How much text one `say` may speak. The cap bounds the CPU one request can burn (synthesis runs at
 * roughly 100x real time, so 4,000 characters is ~5 minutes of audio and a few seconds of work) and the
 * memory its samples take (~5 MB at 8 kHz).
 */

/** The most characters (UTF-16 code units) a single synthesis accepts. */
export const MAX_TTS_TEXT_LENGTH = 4000;

/** Thrown when text is over {@link MAX_TTS_TEXT_LENGTH}; `code` is stable for API error mapping. */
export class TtsTextTooLongError extends Error {
  readonly code = 'tts_text_too_long';
  constructor(
    readonly length: number,
    readonly max: number = MAX_TTS_TEXT_LENGTH,
  ) {
    super(`Text to speak is ${length} characters; the limit is ${max} (split it over several say steps)`);
    this.name = 'TtsTextTooLongError';
  }
}

/** Throws {@link TtsTextTooLongError} when `text` is over the cap. */
export function assertTextLength(text: string, max: number = MAX_TTS_TEXT_LENGTH): void {
  if (text.length > max) throw new TtsTextTooLongError(text.length, max);
}
