/** Chooses an engine voice from what the caller asked for and what the engine has. */

/** The voice an engine will use, and whether that is a fallback from what was asked. */
export interface VoiceChoice {
  /** The name to hand the engine (may keep an espeak-ng `+variant`). */
  voice: string;
  /** True when nothing asked for was available and English is used instead. */
  fallback: boolean;
  /** What was asked for first, for the warning when `fallback` is true. */
  requested: string | undefined;
}

/** Voice used when the request names nothing the engine has: every eSpeak build ships English. */
export const FALLBACK_VOICE = 'en';

/**
 * Tries, in order, the explicit voice, the language tag as given (`en-GB` -> `en-gb`) and its
 * primary subtag (`bg-BG` -> `bg`), matching case-insensitively against `available` (ignoring any
 * `+variant`). Falls back to English.
 */
export function pickVoice(available: ReadonlySet<string>, opts: { voice?: string | undefined; language?: string | undefined }): VoiceChoice {
  const candidates: string[] = [];
  if (opts.voice) candidates.push(opts.voice.trim().toLowerCase());
  if (opts.language) {
    const tag = opts.language.trim().toLowerCase().replace(/_/g, '-');
    candidates.push(tag);
    const primary = tag.split('-')[0];
    if (primary && primary !== tag) candidates.push(primary);
  }
  for (const candidate of candidates) {
    const base = candidate.split('+')[0]!;
    // English is there even when only listed as `en-gb`/`en-us` (espeak-ng): asking for it is no fallback.
    if (available.has(base) || base === FALLBACK_VOICE) return { voice: candidate, fallback: false, requested: candidate };
  }
  return { voice: FALLBACK_VOICE, fallback: candidates.length > 0, requested: candidates[0] };
}

/**
 * Remembers which fallbacks were already logged, so a busy IVR logs a missing voice once, not per call.
 * Keyed by primary language, so `bg` and `bg-BG` count as one.
 */
export function onceWarner(logger: { warn(message: string): void }): (requested: string, message: string) => void {
  const seen = new Set<string>();
  return (requested, message) => {
    const key = requested.split(/[-+]/)[0]!;
    if (seen.has(key)) return;
    seen.add(key);
    logger.warn(message);
  };
}
