import { absoluteUrl, fieldsOf, text } from './builder-checks.js';
import type {
  ConferenceOptions,
  DialOptions,
  GatherOptions,
  PlayOptions,
  RecordOptions,
  RedirectOptions,
  SayOptions,
  VoiceResponseOptions,
} from './voice-options.js';
import type { GatherVerb, InstructionsDocument, PlayVerb, RejectVerb, SayVerb, Verb, VoicemailVerb } from './voice-types.js';

const SAY = { language: 'language', voice: 'voice', loop: 'loop' };
const PLAY = { loop: 'loop' };
const GATHER = { actionUrl: 'action_url', digits: 'digits', timeoutSeconds: 'timeout_seconds', finishOnKey: 'finish_on_key' };
const RECORD = { actionUrl: 'action_url', maxSeconds: 'max_seconds', finishOnKey: 'finish_on_key', timeoutSeconds: 'timeout_seconds', playBeep: 'play_beep' };
const DIAL = {
  fallbackTo: 'fallback_to',
  callerId: 'caller_id',
  sipTrunkId: 'sip_trunk_id',
  timeoutSeconds: 'timeout_seconds',
  timeLimitSeconds: 'time_limit_seconds',
  actionUrl: 'action_url',
};
const CONFERENCE = {
  muted: 'muted',
  startOnEnter: 'start_on_enter',
  endOnExit: 'end_on_exit',
  timeLimitSeconds: 'time_limit_seconds',
  actionUrl: 'action_url',
};
const REDIRECT = { method: 'method' };
const REJECT_REASONS: ReadonlyArray<RejectVerb['reason']> = ['busy', 'unavailable', 'rejected'];
const VOICEMAIL_GREETINGS: ReadonlyArray<VoicemailVerb['greeting']> = ['unavailable', 'busy'];

/**
 * The one prompt a `gather` plays while it waits for the first key: a `say` or a `play`. Given to the
 * callback of `VoiceResponse.gather()`.
 *
 * @example
 * ```ts
 * import { VoiceResponse } from '@prolope/sdk';
 *
 * new VoiceResponse().gather({ actionUrl: 'https://ivr.example.com/menu', digits: 1 }, (prompt) => prompt.say('Press 1 for sales.'));
 * ```
 */
export class GatherPrompt {
  #verb: SayVerb | PlayVerb | undefined;
  readonly #base: URL | undefined;
  readonly #onSet: (verb: SayVerb | PlayVerb) => void;

  /** Made by `VoiceResponse.gather()`, which hands it to your callback. */
  constructor(base: URL | undefined, onSet: (verb: SayVerb | PlayVerb) => void) {
    this.#base = base;
    this.#onSet = onSet;
  }

  /**
   * Speaks `text` while waiting; a key pressed meanwhile stops it (barge-in).
   *
   * @example
   * ```ts
   * response.gather({ actionUrl: '/menu', digits: 1 }, (prompt) => prompt.say('Press 1 for sales, 2 for support.', { language: 'en' }));
   * ```
   */
  say(words: string, options?: SayOptions): void {
    this.#set(sayVerb('gather prompt say()', words, options));
  }

  /**
   * Plays a WAV file while waiting; a key pressed meanwhile stops it (barge-in).
   *
   * @example
   * ```ts
   * response.gather({ actionUrl: '/menu', digits: 1 }, (prompt) => prompt.play('https://ivr.example.com/menu.wav'));
   * ```
   */
  play(url: string | URL, options?: PlayOptions): void {
    this.#set(playVerb('gather prompt play()', url, options, this.#base));
  }

  #set(verb: SayVerb | PlayVerb): void {
    if (this.#verb) {
      throw new TypeError(
        'gather(): a gather plays one prompt (one say or one play). Join the sentences into one say(), or put the other verbs before the gather.',
      );
    }
    this.#verb = verb;
    this.#onSet(verb);
  }
}

/**
 * Builds a voice application's answer, like TwiML's VoiceResponse, as Prolope's JSON: each method adds
 * one verb (options in camelCase, written out in the spec's snake_case), and `toJSON()` gives
 * `{ instructions: [...] }` ready to send with `content-type: application/json`. Mistakes such as
 * an unknown option or a relative URL without `baseUrl` throw at once, naming the fix.
 *
 * @example
 * ```ts
 * import { VoiceResponse } from '@prolope/sdk';
 *
 * const answer = new VoiceResponse({ baseUrl: 'https://ivr.example.com' })
 *   .gather({ actionUrl: '/menu', digits: 1 }, (prompt) => prompt.say('Press 1 for sales, 2 for support.'))
 *   .say('We did not get your choice. Goodbye.')
 *   .toJSON();
 * // { instructions: [{ verb: 'gather', action_url: 'https://ivr.example.com/menu', digits: 1, prompt: {...} }, { verb: 'say', ... }] }
 * res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
 * ```
 */
export class VoiceResponse {
  readonly #verbs: Verb[] = [];
  readonly #base: URL | undefined;

  constructor(options: VoiceResponseOptions = {}) {
    const { baseUrl } = fieldsOf('new VoiceResponse()', options, { baseUrl: 'baseUrl' }) as { baseUrl?: string | URL };
    if (baseUrl !== undefined) {
      try {
        this.#base = new URL(baseUrl);
      } catch {
        throw new TypeError(`new VoiceResponse(): baseUrl must be an absolute URL such as 'https://ivr.example.com'; got ${JSON.stringify(String(baseUrl))}.`);
      }
    }
  }

  /**
   * The verbs so far, in order.
   *
   * @example
   * ```ts
   * new VoiceResponse().say('Hi').hangup().verbs.length; // 2
   * ```
   */
  get verbs(): readonly Verb[] {
    return this.#verbs;
  }

  /**
   * Answers the call; only for clarity, since Prolope answers before the first verb other than `reject`.
   *
   * @example
   * ```ts
   * new VoiceResponse().answer().say('Hello');
   * ```
   */
  answer(): this {
    return this.#add({ verb: 'answer' });
  }

  /**
   * Speaks `text` with text-to-speech.
   *
   * @example
   * ```ts
   * new VoiceResponse().say('Добър ден', { language: 'bg' });
   * ```
   */
  say(words: string, options?: SayOptions): this {
    return this.#add(sayVerb('say()', words, options));
  }

  /**
   * Plays a WAV file (at most 10 MiB; PCM, A-law or mu-law at any rate).
   *
   * @example
   * ```ts
   * new VoiceResponse().play('https://ivr.example.com/hold.wav', { loop: 3 });
   * ```
   */
  play(url: string | URL, options?: PlayOptions): this {
    return this.#add(playVerb('play()', url, options, this.#base));
  }

  /**
   * Waits `seconds` in silence.
   *
   * @example
   * ```ts
   * new VoiceResponse().say('One moment.').pause(1.5);
   * ```
   */
  pause(seconds: number): this {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new TypeError(`pause(): seconds must be a number; got ${JSON.stringify(seconds)}.`);
    return this.#add({ verb: 'pause', seconds });
  }

  /**
   * Collects DTMF digits, with an optional spoken or played prompt, and POSTs them as `digits` to
   * `actionUrl`, whose answer replaces the verbs after this one. With no key pressed at all, nothing
   * is posted and the next verb here runs: put your "no input" handling after the gather.
   *
   * @example
   * ```ts
   * new VoiceResponse({ baseUrl: 'https://ivr.example.com' })
   *   .gather({ actionUrl: '/menu', digits: 1, timeoutSeconds: 5 }, (prompt) => prompt.say('Press 1 for sales, 2 for support.'))
   *   .say('Goodbye.');
   * ```
   */
  gather(options: GatherOptions, prompt?: (prompt: GatherPrompt) => unknown): this {
    const fields = fieldsOf('gather()', options, GATHER, (field, value) => (field === 'action_url' ? absoluteUrl('gather()', value, this.#base) : value));
    if (fields.action_url === undefined) {
      throw new TypeError("gather(): actionUrl is required: it is where Prolope POSTs the digits, e.g. gather({ actionUrl: 'https://ivr.example.com/menu' }).");
    }
    const verb = { verb: 'gather', ...fields } as GatherVerb;
    if (prompt !== undefined) {
      if (typeof prompt !== 'function') throw new TypeError("gather(): the prompt is a callback, e.g. (prompt) => prompt.say('Press 1').");
      prompt(
        new GatherPrompt(this.#base, (chosen) => {
          verb.prompt = chosen;
        }),
      );
    }
    return this.#add(verb);
  }

  /**
   * Records the caller after a beep; with `actionUrl`, POSTs `recording_id`, `recording_url` and
   * `duration_seconds` there and runs its answer.
   *
   * @example
   * ```ts
   * new VoiceResponse().say('Leave a message after the beep.').record({ actionUrl: 'https://ivr.example.com/recorded', maxSeconds: 120 });
   * ```
   */
  record(options?: RecordOptions): this {
    const fields = fieldsOf('record()', options, RECORD, (field, value) => (field === 'action_url' ? absoluteUrl('record()', value, this.#base) : value));
    return this.#add({ verb: 'record', ...fields } as Verb);
  }

  /**
   * Calls `to` (a number or `sip:` URI) and bridges the caller to it; with `actionUrl`, POSTs
   * `dial_status`, `dial_call_id` and `dial_duration_seconds` there afterwards.
   *
   * @example
   * ```ts
   * new VoiceResponse().say('Connecting you.').dial('+359888123456', { timeoutSeconds: 20, actionUrl: 'https://ivr.example.com/dialled' });
   * ```
   */
  dial(to: string, options?: DialOptions): this {
    const target = text('dial()', 'to (a number or a sip: URI)', to);
    const fields = fieldsOf('dial()', options, DIAL, (field, value) => (field === 'action_url' ? absoluteUrl('dial()', value, this.#base) : value));
    return this.#add({ verb: 'dial', to: target, ...fields } as Verb);
  }

  /**
   * Puts the caller in the account's conference room `name`: callers naming the same room hear each
   * other. With `actionUrl`, POSTs `conference_id`, `conference_status` and
   * `conference_duration_seconds` there when the caller leaves the room (the room ended, the time limit).
   *
   * @example
   * ```ts
   * new VoiceResponse().say('Joining the stand-up.').conference('standup', { endOnExit: false, actionUrl: 'https://ivr.example.com/left' });
   * ```
   */
  conference(name: string, options?: ConferenceOptions): this {
    const room = text('conference()', 'name (the room, unique in your account)', name);
    const fields = fieldsOf('conference()', options, CONFERENCE, (field, value) =>
      field === 'action_url' ? absoluteUrl('conference()', value, this.#base) : value,
    );
    return this.#add({ verb: 'conference', name: room, ...fields } as Verb);
  }

  /**
   * Ends the call.
   *
   * @example
   * ```ts
   * new VoiceResponse().say('Goodbye.').hangup();
   * ```
   */
  hangup(): this {
    return this.#add({ verb: 'hangup' });
  }

  /**
   * Refuses an inbound call without answering: `busy` (486), `unavailable` (480) or `rejected` (603,
   * the default). It only refuses as the first verb of the first answer; later it is a hangup.
   *
   * @example
   * ```ts
   * new VoiceResponse().reject('busy');
   * ```
   */
  reject(reason?: RejectVerb['reason']): this {
    if (reason !== undefined && !REJECT_REASONS.includes(reason)) {
      throw new TypeError(`reject(): reason must be one of ${REJECT_REASONS.join(', ')}; got ${JSON.stringify(reason)}.`);
    }
    return this.#add(reason === undefined ? { verb: 'reject' } : { verb: 'reject', reason });
  }

  /**
   * Fetches the next instructions from `url`; they replace the verbs after this one.
   *
   * @example
   * ```ts
   * new VoiceResponse({ baseUrl: 'https://ivr.example.com' }).say('Sorry, that is not an option.').redirect('/voice');
   * ```
   */
  redirect(url: string | URL, options?: RedirectOptions): this {
    const target = absoluteUrl('redirect()', url, this.#base);
    return this.#add({ verb: 'redirect', url: target, ...fieldsOf('redirect()', options, REDIRECT) } as Verb);
  }

  /**
   * Takes a message for one of your voicemail boxes (`POST /v1/voicemail-boxes`): its `unavailable`
   * greeting (or `busy`), a beep, then the caller until the box's longest message, `#` or silence.
   *
   * @example
   * ```ts
   * new VoiceResponse().voicemail('vmb_01jd4x2k8t9w3m5q7r6v0z1b2c', 'busy');
   * ```
   */
  voicemail(boxId: string, greeting?: VoicemailVerb['greeting']): this {
    if (!/^vmb_[0-9A-Za-z]+$/.test(boxId)) throw new TypeError(`voicemail(): boxId must be a voicemail box id (vmb_...); got ${JSON.stringify(boxId)}.`);
    if (greeting !== undefined && !VOICEMAIL_GREETINGS.includes(greeting)) {
      throw new TypeError(`voicemail(): greeting must be one of ${VOICEMAIL_GREETINGS.join(', ')}; got ${JSON.stringify(greeting)}.`);
    }
    return this.#add(greeting === undefined ? { verb: 'voicemail', box_id: boxId } : { verb: 'voicemail', box_id: boxId, greeting });
  }

  /**
   * The answer to send: `{ instructions: [...] }`. `JSON.stringify(response)` calls it too.
   *
   * @example
   * ```ts
   * const body = JSON.stringify(new VoiceResponse().say('Hello').toJSON());
   * ```
   */
  toJSON(): InstructionsDocument {
    return { instructions: this.#verbs.map((verb) => structuredClone(verb)) };
  }

  /**
   * The answer as a JSON string, ready for the response body.
   *
   * @example
   * ```ts
   * res.writeHead(200, { 'content-type': 'application/json' }).end(new VoiceResponse().say('Hello').toString());
   * ```
   */
  toString(): string {
    return JSON.stringify(this.toJSON());
  }

  #add(verb: Verb): this {
    this.#verbs.push(verb);
    return this;
  }
}

function sayVerb(where: string, words: string, options: SayOptions | undefined): SayVerb {
  return { verb: 'say', text: text(where, 'the text to say', words), ...fieldsOf(where, options, SAY) };
}

function playVerb(where: string, url: string | URL, options: PlayOptions | undefined, base: URL | undefined): PlayVerb {
  return { verb: 'play', url: absoluteUrl(where, url, base), ...fieldsOf(where, options, PLAY) };
}
