/**
 * The speech-recognition seam for menus: audio and the phrases a menu accepts in, the phrase heard (or
 * none) out. Flows see only this interface, so the built-in engine (soundswallower, in-process) and an
 * external one (an OpenAI-compatible `/v1/audio/transcriptions` server) are interchangeable.
 */
import { decodePcma } from '../media/g711.js';

/** 8 kHz mono telephone audio: linear PCM samples, or the A-law bytes as they came off RTP. */
export type SpeechAudio = { pcm: Int16Array } | { alaw: Uint8Array };

/** What a recognizer heard. */
export interface Recognition {
  /** The grammar phrase heard, exactly as the menu gave it; null when nothing in the grammar was said. */
  phrase: string | null;
  /**
   * How sure the engine is, 0..1, when it says; null when it gives no such figure. Engines score on
   * different scales, so compare it only against results of the same engine.
   */
  confidence: number | null;
  /** The engine's raw words (for logs and the call's path), '' when it heard nothing. */
  transcript: string;
}

/** Options for one recognition. */
export interface RecognizeOptions {
  /** Aborting (the caller hung up) rejects with an AbortError and stops the work where it can. */
  signal?: AbortSignal;
}

/** A speech recognizer for menu grammars. */
export interface SpeechRecognizer {
  /** Short engine name for logs and the bench (`soundswallower`, `openai-compatible`). */
  readonly name: string;
  /**
   * Which of `phrases` was said in `audio` (8 kHz mono). Silence, noise and speech outside the grammar
   * give `phrase: null`. Rejects only when the engine itself fails (an external server is down).
   */
  recognize(audio: SpeechAudio, phrases: readonly string[], options?: RecognizeOptions): Promise<Recognition>;
  /** Frees what the engine holds (decoders, connections); later calls may start it again. */
  close?(): Promise<void>;
}

/** The samples of either form of {@link SpeechAudio}. */
export function speechPcm(audio: SpeechAudio): Int16Array {
  return 'pcm' in audio ? audio.pcm : decodePcma(audio.alaw);
}

/** The answer for "nothing from the grammar was said". */
export const NOTHING_HEARD: Recognition = Object.freeze({ phrase: null, confidence: null, transcript: '' });
