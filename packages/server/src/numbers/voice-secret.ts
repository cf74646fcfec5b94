import { generateSecret } from '@prolope/webhooks';
import type { Db } from '../store/db.js';
import type { VoiceApplication } from './phone-number.js';
import { findById, replaceVoiceIf } from './store.js';

/**
 * The signing secret of a number's voice application, created on first use for voice settings stored
 * before numbers had one. Compare-and-set on the stored JSON, so concurrent calls agree on one secret.
 * Undefined when the number has no voice application (any more).
 */
export async function voiceSigningSecret(db: Db, numberId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await findById(db, numberId);
    if (!row?.voice) return undefined;
    const voice = JSON.parse(row.voice) as VoiceApplication;
    if (voice.signing_secret) return voice.signing_secret;
    const secret = generateSecret();
    if ((await replaceVoiceIf(db, numberId, row.voice, JSON.stringify({ ...voice, signing_secret: secret }))) === 1) return secret;
  }
  throw new Error(`could not store a voice signing secret for ${numberId}`);
}
