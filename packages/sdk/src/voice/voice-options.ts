import type { ConferenceVerb, DialVerb, GatherVerb, PlayVerb, RecordVerb, RedirectVerb, SayVerb } from './voice-types.js';

// The builder's options are the verbs' fields in camelCase, typed from the spec's schemas so they
// cannot drift from what the server accepts; VoiceResponse writes them out in snake_case.

/**
 * Options of `VoiceResponse` itself.
 *
 * @example
 * ```ts
 * import { VoiceResponse, type VoiceResponseOptions } from '@prolope/sdk';
 *
 * const options: VoiceResponseOptions = { baseUrl: 'https://ivr.example.com' };
 * const response = new VoiceResponse(options).redirect('/menu'); // url: https://ivr.example.com/menu
 * ```
 */
export interface VoiceResponseOptions {
  /**
   * Resolves relative URLs (`/menu`) given to `gather`, `record`, `dial`, `play` and `redirect`:
   * Prolope only fetches absolute http(s) URLs. Usually your application's public address.
   */
  baseUrl?: string | URL;
}

/**
 * Options of `say()`.
 *
 * @example
 * ```ts
 * import type { SayOptions } from '@prolope/sdk';
 *
 * const options: SayOptions = { language: 'bg-BG', loop: 2 };
 * ```
 */
export interface SayOptions {
  /** A BCP 47 tag such as `en` or `bg-BG`. */
  language?: SayVerb['language'];
  /** A voice name of the text-to-speech engine. */
  voice?: SayVerb['voice'];
  /** How many times to say it (default 1). */
  loop?: SayVerb['loop'];
}

/**
 * Options of `play()`.
 *
 * @example
 * ```ts
 * import type { PlayOptions } from '@prolope/sdk';
 *
 * const options: PlayOptions = { loop: 3 };
 * ```
 */
export interface PlayOptions {
  /** How many times to play it (default 1). */
  loop?: PlayVerb['loop'];
}

/**
 * Options of `gather()`; `actionUrl` receives the digits.
 *
 * @example
 * ```ts
 * import type { GatherOptions } from '@prolope/sdk';
 *
 * const options: GatherOptions = { actionUrl: 'https://ivr.example.com/menu', digits: 1, timeoutSeconds: 5 };
 * ```
 */
export interface GatherOptions {
  /** Where Prolope POSTs the call with `digits` (`action_url`); its answer replaces the remaining verbs. */
  actionUrl: string | URL;
  /** Stop after this many digits. */
  digits?: GatherVerb['digits'];
  /** Seconds to wait for the first digit after the prompt, and between digits (default 5). */
  timeoutSeconds?: GatherVerb['timeout_seconds'];
  /** The key that ends input (default `#`); `''` for none. */
  finishOnKey?: GatherVerb['finish_on_key'];
}

/**
 * Options of `record()`.
 *
 * @example
 * ```ts
 * import type { RecordOptions } from '@prolope/sdk';
 *
 * const options: RecordOptions = { actionUrl: 'https://ivr.example.com/recorded', maxSeconds: 120, timeoutSeconds: 5 };
 * ```
 */
export interface RecordOptions {
  /** Where Prolope POSTs `recording_id`, `recording_url` and `duration_seconds` (`action_url`). */
  actionUrl?: string | URL;
  /** The longest recording in seconds (default 60). */
  maxSeconds?: RecordVerb['max_seconds'];
  /** The key that ends the recording (default `#`); `''` for none. */
  finishOnKey?: RecordVerb['finish_on_key'];
  /** End after this many seconds of silence. */
  timeoutSeconds?: RecordVerb['timeout_seconds'];
  /** Beep before recording (default true). */
  playBeep?: RecordVerb['play_beep'];
}

/**
 * Options of `dial()`.
 *
 * @example
 * ```ts
 * import type { DialOptions } from '@prolope/sdk';
 *
 * const options: DialOptions = { fallbackTo: 'sip:desk@pbx.example.com', timeoutSeconds: 20, actionUrl: 'https://ivr.example.com/dialled' };
 * ```
 */
export interface DialOptions {
  /** Tried once when `to` is busy, does not answer or fails. */
  fallbackTo?: DialVerb['fallback_to'];
  /** The A-number the dialled party sees: a number your account holds. */
  callerId?: DialVerb['caller_id'];
  /** Send the leg to this trunk's PBX instead of the carrier. */
  sipTrunkId?: DialVerb['sip_trunk_id'];
  /** How long the leg may ring (default 30). */
  timeoutSeconds?: DialVerb['timeout_seconds'];
  /** The longest the two may stay bridged (default 4 hours). */
  timeLimitSeconds?: DialVerb['time_limit_seconds'];
  /** Where Prolope POSTs `dial_status`, `dial_call_id` and `dial_duration_seconds` (`action_url`). */
  actionUrl?: string | URL;
}

/**
 * Options of `conference()`.
 *
 * @example
 * ```ts
 * import type { ConferenceOptions } from '@prolope/sdk';
 *
 * const options: ConferenceOptions = { startOnEnter: false, actionUrl: 'https://ivr.example.com/left' };
 * ```
 */
export interface ConferenceOptions {
  /** The caller hears the room but is not heard (default false). */
  muted?: ConferenceVerb['muted'];
  /** Whether the caller's arrival starts the room (default true); false waits in silence for one that does. */
  startOnEnter?: ConferenceVerb['start_on_enter'];
  /** Whether the room ends for everyone when this caller leaves (default false). */
  endOnExit?: ConferenceVerb['end_on_exit'];
  /** The longest the caller stays in the room (default 4 hours). */
  timeLimitSeconds?: ConferenceVerb['time_limit_seconds'];
  /** Where Prolope POSTs `conference_id`, `conference_status` and `conference_duration_seconds` (`action_url`). */
  actionUrl?: string | URL;
}

/**
 * Options of `redirect()`.
 *
 * @example
 * ```ts
 * import type { RedirectOptions } from '@prolope/sdk';
 *
 * const options: RedirectOptions = { method: 'GET' };
 * ```
 */
export interface RedirectOptions {
  /** How to ask the URL (default POST). */
  method?: RedirectVerb['method'];
}
