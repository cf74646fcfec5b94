import type { components } from '@prolope/contract/schema';

type Schemas = components['schemas'];

/**
 * What Prolope sends to your voice application about a call (the JSON body of a POST, or the query of
 * a GET): the call's fields, plus `digits` after a `gather`, `recording_id`, `recording_url` and
 * `duration_seconds` after a `record`, and `dial_status`, `dial_call_id` and `dial_duration_seconds`
 * after a `dial`. Verify it with `verifyVoiceRequest()` of `@prolope/webhooks` before trusting it.
 *
 * @example
 * ```ts
 * import type { VoiceRequest } from '@prolope/sdk';
 *
 * const request: VoiceRequest = {
 *   call_id: 'call_01JBX2V6Q6M4ZK3N8P9R7S5T2W',
 *   account_id: 'acct_01JBX2SG4F8W0H6D3K9M1N7P5Q',
 *   from: '+359888123456',
 *   to: '+35929000002',
 *   direction: 'inbound',
 *   status: 'in_progress',
 *   digits: '1',
 * };
 * ```
 */
export type VoiceRequest = Schemas['VoiceRequest'];

/**
 * What your voice application answers: `{ "instructions": [...] }` or the bare list of verbs. Build it
 * with `VoiceResponse`, or write it by hand with these types.
 *
 * @example
 * ```ts
 * import type { Instructions } from '@prolope/sdk';
 *
 * const answer: Instructions = { instructions: [{ verb: 'say', text: 'Hello' }, { verb: 'hangup' }] };
 * ```
 */
export type Instructions = Schemas['Instructions'];

/**
 * The object form of `Instructions`, which `VoiceResponse.toJSON()` returns.
 *
 * @example
 * ```ts
 * import { VoiceResponse, type InstructionsDocument } from '@prolope/sdk';
 *
 * const doc: InstructionsDocument = new VoiceResponse().say('Hello').toJSON();
 * ```
 */
export interface InstructionsDocument {
  instructions: Verb[];
}

/**
 * One call-control verb; `verb` tells them apart.
 *
 * @example
 * ```ts
 * import type { Verb } from '@prolope/sdk';
 *
 * const verbs: Verb[] = [{ verb: 'say', text: 'Please hold.' }, { verb: 'pause', seconds: 2 }];
 * ```
 */
export type Verb = Schemas['Verb'];

/**
 * The name of a verb: `'say'`, `'gather'`, ...
 *
 * @example
 * ```ts
 * import type { VerbName } from '@prolope/sdk';
 *
 * const name: VerbName = 'gather';
 * ```
 */
export type VerbName = Verb['verb'];

/**
 * Answers the call (Prolope answers before the first verb other than `reject` anyway).
 *
 * @example
 * ```ts
 * import type { AnswerVerb } from '@prolope/sdk';
 *
 * const verb: AnswerVerb = { verb: 'answer' };
 * ```
 */
export type AnswerVerb = Schemas['AnswerVerb'];

/**
 * Speaks text with Prolope's text-to-speech.
 *
 * @example
 * ```ts
 * import type { SayVerb } from '@prolope/sdk';
 *
 * const verb: SayVerb = { verb: 'say', text: 'Добър ден', language: 'bg' };
 * ```
 */
export type SayVerb = Schemas['SayVerb'];

/**
 * Plays a WAV file from a URL.
 *
 * @example
 * ```ts
 * import type { PlayVerb } from '@prolope/sdk';
 *
 * const verb: PlayVerb = { verb: 'play', url: 'https://example.com/hold.wav', loop: 3 };
 * ```
 */
export type PlayVerb = Schemas['PlayVerb'];

/**
 * Waits in silence.
 *
 * @example
 * ```ts
 * import type { PauseVerb } from '@prolope/sdk';
 *
 * const verb: PauseVerb = { verb: 'pause', seconds: 1.5 };
 * ```
 */
export type PauseVerb = Schemas['PauseVerb'];

/**
 * Collects DTMF digits and POSTs them to `action_url` as `digits`.
 *
 * @example
 * ```ts
 * import type { GatherVerb } from '@prolope/sdk';
 *
 * const verb: GatherVerb = {
 *   verb: 'gather',
 *   digits: 1,
 *   action_url: 'https://example.com/voice/menu',
 *   prompt: { verb: 'say', text: 'Press 1 for sales, 2 for support.' },
 * };
 * ```
 */
export type GatherVerb = Schemas['GatherVerb'];

/**
 * Records the caller; with `action_url`, POSTs `recording_id`, `recording_url` and `duration_seconds` there.
 *
 * @example
 * ```ts
 * import type { RecordVerb } from '@prolope/sdk';
 *
 * const verb: RecordVerb = { verb: 'record', max_seconds: 120, action_url: 'https://example.com/voice/recorded' };
 * ```
 */
export type RecordVerb = Schemas['RecordVerb'];

/**
 * Calls another number or SIP URI and bridges the caller to it.
 *
 * @example
 * ```ts
 * import type { DialVerb } from '@prolope/sdk';
 *
 * const verb: DialVerb = { verb: 'dial', to: '+359888123456', timeout_seconds: 20 };
 * ```
 */
export type DialVerb = Schemas['DialVerb'];

/**
 * Puts the caller in a conference room of the account.
 *
 * @example
 * ```ts
 * import type { ConferenceVerb } from '@prolope/sdk';
 *
 * const verb: ConferenceVerb = { verb: 'conference', name: 'standup', end_on_exit: true };
 * ```
 */
export type ConferenceVerb = Schemas['ConferenceVerb'];

/**
 * Ends the call.
 *
 * @example
 * ```ts
 * import type { HangupVerb } from '@prolope/sdk';
 *
 * const verb: HangupVerb = { verb: 'hangup' };
 * ```
 */
export type HangupVerb = Schemas['HangupVerb'];

/**
 * Refuses an inbound call without answering it (only as the very first verb).
 *
 * @example
 * ```ts
 * import type { RejectVerb } from '@prolope/sdk';
 *
 * const verb: RejectVerb = { verb: 'reject', reason: 'busy' };
 * ```
 */
export type RejectVerb = Schemas['RejectVerb'];

/**
 * Fetches the next instructions from another URL.
 *
 * @example
 * ```ts
 * import type { RedirectVerb } from '@prolope/sdk';
 *
 * const verb: RedirectVerb = { verb: 'redirect', url: 'https://example.com/voice/after-hours' };
 * ```
 */
export type RedirectVerb = Schemas['RedirectVerb'];

/**
 * Takes a message for one of your voicemail boxes: its greeting, a beep, then the caller's message.
 *
 * @example
 * ```ts
 * import type { VoicemailVerb } from '@prolope/sdk';
 *
 * const verb: VoicemailVerb = { verb: 'voicemail', box_id: 'vmb_01jd4x2k8t9w3m5q7r6v0z1b2c', greeting: 'busy' };
 * ```
 */
export type VoicemailVerb = Schemas['VoicemailVerb'];
