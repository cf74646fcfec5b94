import { abortError } from './abort.js';
import { splitSentences } from './split-sentences.js';
import { assertTextLength } from './text-limits.js';
import type { TtsEngine, TtsOptions } from './tts-engine.js';

/** One synthesised sentence of a longer text. */
export interface SpokenSentence {
  /** 0-based position in the text. */
  index: number;
  /** The sentence as spoken. */
  text: string;
  /** 16-bit mono PCM at 8 kHz. */
  samples: Int16Array;
}

/**
 * The long-text policy for `say`: refuses text over the length cap up front (with
 * `TtsTextTooLongError`), then synthesises sentence by sentence, yielding each as soon as it is ready
 * so playback starts after the first sentence. The next sentence is synthesised while the caller plays
 * the current one (one ahead, no more), so there is no gap between sentences and no wasted work when
 * the caller stops early (hang-up, barge-in).
 */
export async function* synthesizeSentences(engine: TtsEngine, text: string, opts: TtsOptions = {}): AsyncGenerator<SpokenSentence, void, undefined> {
  assertTextLength(text);
  const sentences = splitSentences(text, opts.language);
  const start = (i: number): Promise<Int16Array> | undefined => {
    const sentence = sentences[i];
    if (sentence === undefined) return undefined;
    const promise = engine.synthesize(sentence, opts);
    // If the caller stops before awaiting it, its failure must not surface as an unhandled rejection.
    promise.catch(() => {});
    return promise;
  };
  let next = start(0);
  for (let index = 0; next; index++) {
    const current = next;
    next = start(index + 1);
    const samples = await current;
    if (opts.signal?.aborted) throw abortError(opts.signal);
    yield { index, text: sentences[index]!, samples };
  }
}
