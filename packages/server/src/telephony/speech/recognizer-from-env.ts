/**
 * Which recognizer a server runs: the built-in one unless PROLOPE_SPEECH_URL names an
 * OpenAI-compatible transcription server.
 */
import type { SpeechRecognizer } from './recognizer.js';
import { soundswallowerRecognizer } from './soundswallower-recognizer.js';
import { transcriptionRecognizer } from './transcription-recognizer.js';

/**
 * The recognizer the environment asks for:
 * - PROLOPE_SPEECH_URL: base URL of an OpenAI-compatible API (`https://api.openai.com/v1`); unset
 *   runs the built-in recognizer (soundswallower, in-process).
 * - PROLOPE_SPEECH_API_KEY: its bearer token, if it needs one.
 * - PROLOPE_SPEECH_MODEL: its model (default `whisper-1`).
 * Throws, naming the variable, when the URL is not http(s).
 */
export function recognizerFromEnv(env: NodeJS.ProcessEnv = process.env): SpeechRecognizer {
  const url = env.PROLOPE_SPEECH_URL?.trim();
  if (!url) return soundswallowerRecognizer();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`PROLOPE_SPEECH_URL must be an http(s) URL such as https://api.openai.com/v1, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`PROLOPE_SPEECH_URL must be an http(s) URL such as https://api.openai.com/v1, got "${url}"`);
  }
  return transcriptionRecognizer({ url, apiKey: env.PROLOPE_SPEECH_API_KEY || undefined, model: env.PROLOPE_SPEECH_MODEL || undefined });
}
