import { espeakNgEngine } from './espeak-ng-engine.js';
import { findOnPath } from './find-on-path.js';
import { mespeakEngine } from './mespeak-engine.js';
import type { TtsEngine, TtsLogger } from './tts-engine.js';

/** Which engine {@link defaultTtsEngine} should use. */
export type TtsEngineChoice = 'auto' | 'espeak-ng' | 'mespeak';

/** Options for {@link defaultTtsEngine}. */
export interface DefaultTtsEngineOptions {
  /** `auto` (default): espeak-ng when it is on PATH, else mespeak. `espeak-ng` throws if it is missing. */
  engine?: TtsEngineChoice;
  /** The PATH to search for espeak-ng; default `process.env.PATH`. Tests pass `''` to force mespeak. */
  pathEnv?: string;
  /** Where engines log a missing language once; defaults to `console`. */
  logger?: TtsLogger;
}

/**
 * The engine `say` uses unless configured otherwise: espeak-ng from the system when installed (native,
 * out of process, Bulgarian included), else the bundled mespeak, so a fresh machine with no system
 * package still speaks. Decided once, here, by looking at PATH. Wrap it in `cachedTts` for prompts.
 */
export function defaultTtsEngine(options: DefaultTtsEngineOptions = {}): TtsEngine {
  const choice = options.engine ?? 'auto';
  const logger = options.logger ?? console;
  if (choice !== 'mespeak') {
    const command = findOnPath('espeak-ng', options.pathEnv ?? process.env.PATH);
    if (command) return espeakNgEngine({ command, logger });
    if (choice === 'espeak-ng') throw new Error('espeak-ng is not on PATH (Debian: apt-get install espeak-ng)');
  }
  return mespeakEngine({ logger });
}
