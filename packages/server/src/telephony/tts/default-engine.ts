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
  const logger = options.logger ?? console;
  const picked = pickTtsEngine(options);
  return picked.engine === 'espeak-ng' ? espeakNgEngine({ command: picked.command, logger }) : mespeakEngine({ logger });
}

/** Which engine {@link defaultTtsEngine} builds for these options (and espeak-ng's path), without building it. */
export type PickedTtsEngine = { engine: 'espeak-ng'; command: string } | { engine: 'mespeak' };

/** The rule of {@link defaultTtsEngine}, shared with the voice list so both name the same engine. */
export function pickTtsEngine(options: Pick<DefaultTtsEngineOptions, 'engine' | 'pathEnv'> = {}): PickedTtsEngine {
  const choice = options.engine ?? 'auto';
  if (choice !== 'mespeak') {
    const command = findOnPath('espeak-ng', options.pathEnv ?? process.env.PATH);
    if (command) return { engine: 'espeak-ng', command };
    if (choice === 'espeak-ng') throw new Error('espeak-ng is not on PATH (Debian: apt-get install espeak-ng)');
  }
  return { engine: 'mespeak' };
}
