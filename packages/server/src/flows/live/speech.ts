import type { MediaSession } from '../../telephony/backend.js';

/**
 * The seam where speech input plugs in (issue 18 item 5): given the menu's phrases, listen to the caller
 * and answer what was said, or undefined for silence. Until a recognizer is wired, a collect that
 * allows only speech is treated as no input (the flow's no-input retry, then its default).
 */
export interface SpeechRecognizer {
  listen(o: { media: MediaSession; phrases: string[]; timeoutMs: number; signal: AbortSignal }): Promise<string | undefined>;
}
