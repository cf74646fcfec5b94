/**
 * An external recognizer: any server speaking OpenAI's `POST /v1/audio/transcriptions` (OpenAI itself,
 * or a local whisper server). It returns free text, which is matched against the menu's phrases.
 */
import { type Dispatcher, FormData, fetch } from 'undici';
import { writeWav8k } from '../media/wav.js';
import { matchTranscript } from './phrases.js';
import { NOTHING_HEARD, type Recognition, type RecognizeOptions, type SpeechAudio, type SpeechRecognizer, speechPcm } from './recognizer.js';
import { hasSpeech } from './speech-gate.js';

/** Options for {@link transcriptionRecognizer}. */
export interface TranscriptionRecognizerOptions {
  /** The API base including its version, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`. */
  url: string;
  /** Sent as `Authorization: Bearer ...` when set; never logged. */
  apiKey?: string | undefined;
  /** The transcription model; default `whisper-1`. */
  model?: string | undefined;
  /** ISO 639-1 language of the callers; default `en`. */
  language?: string | undefined;
  /** Give up after this long (a caller is waiting); default 10 s. */
  timeoutMs?: number | undefined;
  /** undici dispatcher (tests, proxies); default the global one. */
  dispatcher?: Dispatcher | undefined;
}

/** The most of an error body quoted in an error message. */
const MAX_ERROR_BODY = 300;

/** A transcription server that failed or answered something that is not a transcript. */
export class TranscriptionServerError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'TranscriptionServerError';
  }
}

/** The recognizer for an OpenAI-compatible transcription server. */
export function transcriptionRecognizer(options: TranscriptionRecognizerOptions): SpeechRecognizer {
  const endpoint = `${options.url.replace(/\/+$/, '')}/audio/transcriptions`;
  const model = options.model ?? 'whisper-1';
  const language = options.language ?? 'en';
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: 'openai-compatible',
    async recognize(audio: SpeechAudio, phrases: readonly string[], opts: RecognizeOptions = {}): Promise<Recognition> {
      opts.signal?.throwIfAborted();
      const pcm = speechPcm(audio);
      // Silence and steady noise never reach the server: they cost a request and whisper-like models
      // are known to invent words for them.
      if (phrases.length === 0 || !hasSpeech(pcm)) return NOTHING_HEARD;
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(writeWav8k(pcm))], { type: 'audio/wav' }), 'speech.wav');
      form.append('model', model);
      form.append('language', language);
      form.append('response_format', 'json');
      // The prompt biases the model towards the menu's words (a hint, not a grammar).
      form.append('prompt', phrases.join(', '));
      const signals = [AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])];
      const response = await fetch(endpoint, {
        method: 'POST',
        body: form,
        headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        signal: AbortSignal.any(signals),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      const body = await response.text();
      if (!response.ok) {
        throw new TranscriptionServerError(
          `The transcription server at ${endpoint} answered ${response.status}: ${body.slice(0, MAX_ERROR_BODY)}`,
          response.status,
        );
      }
      let text: unknown;
      try {
        text = (JSON.parse(body) as { text?: unknown }).text;
      } catch {
        text = undefined;
      }
      if (typeof text !== 'string') {
        throw new TranscriptionServerError(
          `The transcription server at ${endpoint} answered no JSON {"text": ...}: ${body.slice(0, MAX_ERROR_BODY)}`,
          response.status,
        );
      }
      return { phrase: matchTranscript(text, phrases), confidence: null, transcript: text.trim() };
    },
  };
}
