/**
 * The built-in recognizer: soundswallower (PocketSphinx in WebAssembly) with its 8 kHz US English
 * acoustic model, decoding against a grammar of exactly the menu's phrases. In-process, no network.
 */
import { menuGrammar, normalizePhrase } from './phrases.js';
import { NOTHING_HEARD, type Recognition, type RecognizeOptions, type SpeechAudio, type SpeechRecognizer, speechPcm } from './recognizer.js';
import { type SsDecoder, type SsSegment, soundswallowerModule } from './soundswallower-module.js';
import { seededRandom } from './phone-channel.js';
import { findSpeech } from './speech-gate.js';

/**
 * Decoder settings. No `dither`: the comfort noise below does its work (keeping runs of A-law's exact
 * zeros away from the log of the filter banks) and, unlike dither, whose random state runs on from one
 * utterance to the next, leaves a recognition a pure function of its audio (measured equal: 163 and
 * 162 of 192 clean clips, 155 of 192 at 20 dB either way). `loglevel` FATAL keeps PocketSphinx's
 * chatter off stderr. The feature settings (`remove_noise`, `cmn`, band edges) come from the model's
 * feat_params.json, which soundswallower applies over these; changing them measured no better, nor did
 * beams, `topn`, `bestpath`, `silprob`, `wip` or `pip`.
 */
const DECODER_CONFIG = { samprate: 8000, loglevel: 'FATAL' } as const;

/**
 * RMS (full scale 1) of the white noise added under every utterance, -50 dBFS: a quiet line's own hiss.
 * The model was trained on real telephone audio, which is never silent; on a digitally clean line the
 * pauses inside and around words look like nothing it knows. Measured on the generated set's clean
 * clips (en-us and en-gb voices): 69 of 96 right without it, 85 with it; 20 dB SNR: 83 and 84.
 */
const COMFORT_NOISE = 0.003;

/** Samples kept before and after the speech found (8 kHz): 200 ms, so a word's soft start and end stay in. */
const MARGIN = 1600;

/** A menu phrase has a word the built-in recognizer's dictionary lacks, so it could never be heard. */
export class UnknownSpeechWordError extends Error {
  constructor(readonly words: readonly string[]) {
    super(
      `The built-in speech recognizer does not know the word${words.length > 1 ? 's' : ''} ${words.map((w) => `"${w}"`).join(', ')}: spell menu phrases with common English words (no abbreviations or names)`,
    );
    this.name = 'UnknownSpeechWordError';
  }
}

/** Options for {@link soundswallowerRecognizer}. */
export interface SoundswallowerRecognizerOptions {
  /**
   * Decoders kept, default 2 (each holds its own copy of the model, about 10 MB, and the grammar it
   * was given last, so two menus in use skip rebuilding theirs). Recognitions beyond this wait their
   * turn; the WebAssembly runs on this thread anyway, so more decoders would not finish sooner.
   */
  maxDecoders?: number;
}

/** The built-in recognizer, with a check a flow validator can use. */
export interface SoundswallowerRecognizer extends SpeechRecognizer {
  readonly name: 'soundswallower';
  /** The words of `phrases` the dictionary lacks (normalized); empty when every phrase can be heard. */
  unknownWords(phrases: readonly string[]): Promise<string[]>;
  /** Frees the idle decoders; a later recognition makes new ones. */
  close(): Promise<void>;
}

interface PooledDecoder {
  decoder: SsDecoder;
  /** The grammar set last, so a menu asked again (the usual case) skips rebuilding it. */
  grammar: string | undefined;
}

/** The built-in recognizer. The model loads on the first recognition, once per process. */
export function soundswallowerRecognizer(options: SoundswallowerRecognizerOptions = {}): SoundswallowerRecognizer {
  const maxDecoders = Math.max(1, options.maxDecoders ?? 2);
  const idle: PooledDecoder[] = [];
  const waiting: ((d: PooledDecoder) => void)[] = [];
  let created = 0;

  const acquire = async (): Promise<PooledDecoder> => {
    const free = idle.pop();
    if (free) return free;
    if (created < maxDecoders) {
      created++;
      try {
        const { Decoder } = await soundswallowerModule();
        const decoder = new Decoder({ ...DECODER_CONFIG });
        await decoder.initialize();
        return { decoder, grammar: undefined };
      } catch (err) {
        created--;
        throw err;
      }
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (pooled: PooledDecoder) => {
    const next = waiting.shift();
    if (next) next(pooled);
    else idle.push(pooled);
  };

  const missing = (decoder: SsDecoder, phrases: readonly string[]): string[] => {
    const words = new Set(phrases.flatMap((p) => p.split(' ')).filter((w) => w !== ''));
    return [...words].filter((w) => decoder.lookup_word(w) === null);
  };

  return {
    name: 'soundswallower',
    async unknownWords(phrases) {
      const pooled = await acquire();
      try {
        return missing(pooled.decoder, phrases.map(normalizePhrase));
      } finally {
        release(pooled);
      }
    },
    async recognize(audio: SpeechAudio, phrases: readonly string[], opts: RecognizeOptions = {}): Promise<Recognition> {
      opts.signal?.throwIfAborted();
      // Normal form -> the menu's own spelling (the first, if two phrases normalize alike).
      const byNormal = new Map<string, string>();
      for (const phrase of phrases) {
        const normal = normalizePhrase(phrase);
        if (normal !== '' && !byNormal.has(normal)) byNormal.set(normal, phrase);
      }
      const all = speechPcm(audio);
      const span = findSpeech(all);
      if (byNormal.size === 0 || span === null) return NOTHING_HEARD;
      // The speech and a margin around it: long pauses (and, on a clean line, near-digital silence)
      // pull the utterance's cepstral mean away from the speech and cost more than half the clean clips.
      const pcm = all.subarray(Math.max(0, span.start - MARGIN), Math.min(all.length, span.end + MARGIN));
      const pooled = await acquire();
      try {
        const { decoder } = pooled;
        const grammar = menuGrammar([...byNormal.keys()]);
        if (pooled.grammar !== grammar) {
          const unknown = missing(decoder, [...byNormal.keys()]);
          if (unknown.length > 0) throw new UnknownSpeechWordError(unknown);
          pooled.grammar = undefined;
          decoder.set_grammar(grammar);
          pooled.grammar = grammar;
        }
        // One call with the whole utterance (full_utt): cepstral mean normalization then uses the
        // utterance's own mean. Fed in pieces it falls back to a running estimate that a short word
        // never corrects. The cost is one blocking step of a few ms per second of speech.
        const float = new Float32Array(pcm.length);
        // Comfort noise under the speech (see COMFORT_NOISE), the same every time so results repeat.
        const random = seededRandom(1);
        for (let i = 0; i < pcm.length; i++) float[i] = pcm[i]! / 32768 + COMFORT_NOISE * Math.sqrt(3) * (2 * random() - 1);
        decoder.start();
        try {
          decoder.process_audio(float, false, true);
        } finally {
          decoder.stop();
        }
        const transcript = decoder.get_text().trim();
        const phrase = byNormal.get(normalizePhrase(transcript)) ?? null;
        if (phrase === null) return { ...NOTHING_HEARD, transcript };
        return { phrase, confidence: wordConfidence(decoder.get_alignment()), transcript };
      } finally {
        release(pooled);
      }
    },
    async close() {
      for (const pooled of idle.splice(0)) {
        pooled.decoder.delete();
        created--;
      }
    },
  };
}

/** The least sure word's posterior: a phrase is only as certain as its weakest word. */
function wordConfidence(alignment: SsSegment): number | null {
  const words = (alignment.w ?? []).filter((w) => !/^(\(NULL\)|<.*>|\[.*\])$/.test(w.t));
  if (words.length === 0) return null;
  return Math.min(...words.map((w) => w.p));
}
