import type { Schema } from '../http/contract.js';

// Its own file so stored-voice.ts can name the shape without importing phone-number.ts, which imports it.
export type HttpMethod = 'POST' | 'GET';

export type VoiceApplication = Schema<'VoiceApplication'>;
