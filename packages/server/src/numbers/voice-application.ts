// Its own file so stored-voice.ts can name the shape without importing phone-number.ts, which imports it.
export type HttpMethod = 'POST' | 'GET';

export interface VoiceApplication {
  url: string;
  method: HttpMethod;
  fallback_url?: string;
  fallback_method: HttpMethod;
  /** Signs Prolope's requests to the application (Standard Webhooks); rows stored before it existed lack it. */
  signing_secret?: string;
}
