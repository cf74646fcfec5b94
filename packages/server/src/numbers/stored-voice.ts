import type { SecretBox } from '../secrets/secret-box.js';
import type { VoiceApplication } from './voice-application.js';

/**
 * The `phone_numbers.voice` column: the voice application as the API shows it, except that its
 * signing secret is sealed with the server key (secrets/secret-box.ts). The secret signs Prolope's
 * requests to the customer's application, so Prolope must read it back: a hash would not do.
 */
export interface StoredVoice extends Omit<VoiceApplication, 'signing_secret'> {
  signing_secret_sealed?: string;
}

/** Sealed for this number only: copied to another number's row, it does not open. */
export function voiceSecretContext(numberId: string): string {
  return `phone_number:${numberId}:voice_signing_secret`;
}

/** The voice column for an application: its signing secret sealed. */
export function storeVoice(secrets: SecretBox, numberId: string, voice: VoiceApplication): string {
  const { signing_secret: secret, ...rest } = voice;
  const stored: StoredVoice = secret ? { ...rest, signing_secret_sealed: secrets.seal(secret, voiceSecretContext(numberId)) } : rest;
  return JSON.stringify(stored);
}

/** The application a voice column holds, its signing secret opened; null for none. */
export function readVoice(secrets: SecretBox, numberId: string, column: string | null): VoiceApplication | null {
  if (column === null) return null;
  const { signing_secret_sealed: sealed, ...voice } = JSON.parse(column) as StoredVoice & { signing_secret?: unknown };
  // Only the fields an application has: a stray key in the column never reaches an answer.
  const { url, method, fallback_url, fallback_method } = voice;
  return {
    url,
    method,
    ...(fallback_url !== undefined ? { fallback_url } : {}),
    fallback_method,
    ...(sealed ? { signing_secret: secrets.open(sealed, voiceSecretContext(numberId)) } : {}),
  };
}
