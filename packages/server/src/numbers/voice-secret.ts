import { generateSecret } from '@prolope/webhooks';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db } from '../store/db.js';
import { readVoice, storeVoice } from './stored-voice.js';
import { findById, replaceVoiceIf } from './store.js';

/**
 * The signing secret of a number's voice application, created on first use for voice settings stored
 * before numbers had one. Compare-and-set on the stored JSON, so concurrent calls agree on one secret.
 * Undefined when the number has no voice application (any more).
 */
export async function voiceSigningSecret(deps: { db: Db; secrets: SecretBox }, numberId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await findById(deps.db, numberId);
    const voice = row ? readVoice(deps.secrets, numberId, row.voice) : null;
    if (!row?.voice || !voice) return undefined;
    if (voice.signing_secret) return voice.signing_secret;
    const secret = generateSecret();
    if ((await replaceVoiceIf(deps.db, numberId, row.voice, storeVoice(deps.secrets, numberId, { ...voice, signing_secret: secret }))) === 1) return secret;
  }
  throw new Error(`could not store a voice signing secret for ${numberId}`);
}
