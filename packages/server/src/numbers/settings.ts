import { generateSecret } from '@prolope/webhooks';
import { toE164 } from '../contacts/phone.js';
import { ProblemError } from '../errors.js';
import { schemaDefaults } from '../http/contract.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Forwarding, HttpMethod, NumberRoute, PhoneNumberRow, VoiceApplication } from './phone-number.js';
import type { DirectRoute } from './route-target.js';
import { readVoice, storeVoice } from './stored-voice.js';

/** The PATCH body as the spec allows it: every field optional, `null` clears. */
export interface NumberUpdateInput {
  friendly_name?: string | null;
  voice?: { url: string; method?: HttpMethod; fallback_url?: string; fallback_method?: HttpMethod } | null;
  sip_trunk_id?: string | null;
  forwarding?: {
    mode?: Forwarding['mode'];
    targets: { number: string; ring_timeout?: number }[];
  } | null;
  route?: NumberRoute | null;
}

// Defaults are applied here, not left to the validator: Ajv does not fill defaults inside `oneOf`,
// which is how the spec makes these objects nullable. The values are the spec's, from the generated table.
const VOICE_DEFAULTS = schemaDefaults.VoiceApplicationInput;

/**
 * The stored voice application. The signing secret is the previous one when there is one: the customer's
 * application already verifies with it, and moving the URL must not break that.
 */
export function voiceOf(input: NonNullable<NumberUpdateInput['voice']>, previousSecret?: string): VoiceApplication {
  return {
    url: input.url,
    method: input.method ?? VOICE_DEFAULTS.method,
    ...(input.fallback_url !== undefined ? { fallback_url: input.fallback_url } : {}),
    fallback_method: input.fallback_method ?? VOICE_DEFAULTS.fallback_method,
    signing_secret: previousSecret ?? generateSecret(),
  };
}

/** Normalises every target to E.164; forwarding a number to itself would ring in a loop. */
export function forwardingOf(input: NonNullable<NumberUpdateInput['forwarding']>, ownNumber: string): Forwarding {
  const targets = input.targets.map((t, i) => {
    const param = `/body/forwarding/targets/${i}/number`;
    const number = toE164(t.number, param);
    if (number === ownNumber) {
      throw new ProblemError('validation_failed', `Target ${i} is ${ownNumber} itself: forwarding a number to itself would loop. Use another number.`, {
        param,
      });
    }
    return { number, ring_timeout: t.ring_timeout ?? schemaDefaults.ForwardingTarget.ring_timeout };
  });
  return { mode: input.mode ?? schemaDefaults.Forwarding.mode, targets };
}

/** The stored route with the spec's defaults filled in (Ajv fills none inside `oneOf`). */
export function routeOf(input: NonNullable<NumberUpdateInput['route']>): NumberRoute {
  if (input.type === 'schedule')
    return { type: 'schedule', schedule_id: input.schedule_id, open: directRouteOf(input.open), closed: directRouteOf(input.closed) };
  return directRouteOf(input);
}

function directRouteOf(input: DirectRoute): DirectRoute {
  if (input.type !== 'sip_user') return input;
  return { type: input.type, sip_user_id: input.sip_user_id, ring_timeout: input.ring_timeout ?? schemaDefaults.SipUserRoute.ring_timeout };
}

/**
 * The columns a PATCH changes; fields left out of the body are left alone. Throws before any write.
 * `current` is the row as stored, whose voice signing secret survives a new voice URL; `secrets`
 * seals it in the stored column (numbers/stored-voice.ts).
 */
export function settingsPatch(input: NumberUpdateInput, current: Pick<PhoneNumberRow, 'id' | 'number' | 'voice'>, secrets: SecretBox): Partial<PhoneNumberRow> {
  const ownNumber = current.number;
  const patch: Partial<PhoneNumberRow> = {};
  if (input.friendly_name !== undefined) patch.friendly_name = input.friendly_name;
  if (input.voice !== undefined) {
    const kept = readVoice(secrets, current.id, current.voice)?.signing_secret;
    patch.voice = input.voice === null ? null : storeVoice(secrets, current.id, voiceOf(input.voice, kept));
  }
  if (input.sip_trunk_id !== undefined) patch.sip_trunk_id = input.sip_trunk_id;
  if (input.route !== undefined) patch.route = input.route === null ? null : JSON.stringify(routeOf(input.route));
  if (input.forwarding !== undefined) patch.forwarding = input.forwarding === null ? null : JSON.stringify(forwardingOf(input.forwarding, ownNumber));
  return patch;
}
