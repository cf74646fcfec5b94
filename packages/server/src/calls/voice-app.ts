import type { Deps } from '../deps.js';
import type { PhoneNumber } from '../numbers/service.js';
import { voiceSigningSecret } from '../numbers/voice-secret.js';
import type { CallContext, InstructionSource } from '../telephony/verbs/verb-types.js';
import type { CallRow } from './store.js';

/** A number's voice application as the call flow uses it: where to ask, in order, and how to sign. */
export interface VoiceApp {
  sources: InstructionSource[];
  secret: string | undefined;
}

/** The number's voice application, or undefined when calls to it get the default greeting. */
export async function voiceAppOf(deps: Pick<Deps, 'db' | 'secrets'>, number: PhoneNumber): Promise<VoiceApp | undefined> {
  const voice = number.voice;
  if (!voice) return undefined;
  const sources: InstructionSource[] = [{ url: voice.url, method: voice.method }];
  if (voice.fallback_url) sources.push({ url: voice.fallback_url, method: voice.fallback_method });
  return { sources, secret: voice.signing_secret ?? (await voiceSigningSecret(deps, number.id)) };
}

/** The call as the voice application is told about it. */
export function callContext(row: CallRow): CallContext {
  return {
    call_id: row.id,
    account_id: row.account_id,
    from: row.from,
    to: row.to,
    direction: row.direction as CallContext['direction'],
    status: row.status,
  };
}
