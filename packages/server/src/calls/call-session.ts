import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../deps.js';
import type { FetchLike } from '../http/safe-fetch.js';
import type { ThisNode } from '../this-node.js';
import { saveRecording } from '../recordings/service.js';
import type { RecordingStore } from '../store/object-store.js';
import type { CallEnd, HoldSignal, MediaSession } from '../telephony/backend.js';
import type { PromptSource, VerbHost, Speak, VoicemailDesk } from '../telephony/verbs/verb-host.js';
import { DigitQueue } from '../telephony/verbs/digit-queue.js';
import type { WavCache } from '../telephony/verbs/wav-cache.js';
import { runVerbs, VerbInterrupts } from '../telephony/verbs/interpreter.js';
import type { Verb } from '../telephony/verbs/verb-types.js';
import type { ActiveCalls } from './active-calls.js';
import { callControl } from './call-control.js';
import type { ConferenceRooms } from './conference-rooms.js';
import { conferenceVerb } from './conference-verb.js';
import { type DialLegs, dialLeg } from './dial-leg.js';
import { type CallEventData, type CallEventType, endCall, markAnswered, recordCallEvent } from './lifecycle.js';
import type { HangupReason } from './hangup-reason.js';
import type { ReplaceableBridges } from './replaceable-bridges.js';
import type { CallRow } from './store.js';
import { callContext } from './voice-app.js';
import { boxForCaller, saveMessage } from '../voicemail/service.js';
import type { VoicemailMail } from '../voicemail/email.js';

/** What a call needs from the server around it; `recordings` stores recorded audio (else it is dropped). */
export interface SessionDeps extends Pick<Deps, 'db' | 'clock' | 'secrets'> {
  /** This server's live calls: an answered call registers here for `POST /v1/calls/{id}/actions/*`. */
  activeCalls: ActiveCalls;
  /** This server's prompt cache for `play`. */
  wavs: WavCache;
  /** This server's conference rooms; without them `conference` is skipped. */
  conferences?: ConferenceRooms | undefined;
  /** This server's bridges a Replaces may name (attended transfer); without them none is found. */
  bridges?: ReplaceableBridges | undefined;
  recordings?: { store: RecordingStore; publicUrl: string } | undefined;
  /** This process, recorded as the owner of the calls it carries. */
  node?: ThisNode | undefined;
  /** How customer URLs are fetched (SSRF-guarded, http/safe-fetch.ts); default: the global fetch. */
  fetch?: FetchLike | undefined;
  /** An account's stored prompts for `play` by `audio_id` (audio/prompt-source.ts); without it such plays are skipped. */
  prompts?: ((accountId: string) => PromptSource) | undefined;
  /** The store's event hints: a stored voicemail message tells the message waiting indicator. */
  events?: Deps['events'] | undefined;
  /** Mails voicemail messages to their boxes' addresses (SMTP configured). */
  mail?: VoicemailMail | undefined;
}

/** Speech, logs and (for `dial`) a way to place legs; the telephony side supplies them. */
export interface SessionTools {
  speak: Speak;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  legs?: DialLegs | undefined;
}

/** The SIP side of the call, whichever direction it went. */
export interface SessionSignalling {
  hangup(): Promise<void>;
  onEnd(listener: (end: CallEnd) => void): void;
}

export interface CallSessionOptions {
  deps: SessionDeps;
  engine: SessionTools;
  row: CallRow;
  media: MediaSession;
  sip: SessionSignalling;
  /** Prolope's side of the call, recorded as `hangup_by` when Prolope ends it: callee inbound, caller outbound. */
  us: 'caller' | 'callee';
  /** Report keys as `call.dtmf` and queue them for gathers (only when someone acts on them). */
  reportDigits: boolean;
  /**
   * Queue keys for the flow without recording them anywhere: the `*97` voicemail menu, whose keys
   * include a PIN that must not reach events or webhooks.
   */
  privateDigits?: boolean;
  /** The far end's hold and resume, where the backend follows them (embedded, inbound). */
  hold?: HoldSignal | undefined;
}

/**
 * One call with media up, inbound or outbound: it ends exactly once (far-end BYE or CANCEL, RTP
 * timeout, our hangup, a failure), writes its events in order, runs verbs, and can be controlled
 * through the API from its answer until its end. The direction-specific flows (inbound.ts,
 * outbound-run.ts) only do what happens before the answer.
 */
export class CallSession {
  row: CallRow;
  readonly digits = new DigitQueue();
  readonly interrupts = new VerbInterrupts();
  readonly #opts: CallSessionOptions;
  readonly #abort = new AbortController();
  readonly #control: ReturnType<typeof callControl>;
  readonly #save: ((pcm: Int16Array, channels?: 1 | 2) => ReturnType<typeof saveRecording>) | undefined;
  #writes: Promise<void> = Promise.resolve();
  #ended: Promise<void> | undefined;

  constructor(opts: CallSessionOptions) {
    this.#opts = opts;
    this.row = opts.row;
    const { deps, media } = opts;
    const stored = deps.recordings;
    this.#save = stored
      ? (pcm, channels) =>
          saveRecording({ db: deps.db, clock: deps.clock, recordings: stored.store, publicUrl: stored.publicUrl }, this.row, pcm, channels)
      : undefined;
    this.#control = callControl({
      media,
      interrupts: this.interrupts,
      hangup: () => this.hangup(),
      save: this.#save,
      log: opts.engine.log,
      callId: opts.row.id,
    });
    opts.sip.onEnd((end) => void this.finish(end));
    media.onTimeout(() => {
      // A held call may send nothing (a=inactive): silence then is no dead peer. Its next packet re-arms the timer.
      if (opts.hold?.held) return;
      void opts.sip.hangup().finally(() => this.finish({ by: 'system', cause: 'rtp_timeout' }));
    });
    // The media relay (rtpengine) lost the call: the caller hears nothing more, so BYE them and say why.
    media.onLost?.((reason) => {
      opts.engine.log.error({ callId: opts.row.id, reason }, 'the media relay lost the call');
      void opts.sip
        .hangup()
        .catch(() => {})
        .finally(() =>
          this.finish({ by: 'system', cause: 'error' }, { code: 'media_unavailable', message: `the media relay lost the call mid-call (${reason})` }),
        );
    });
    if (opts.reportDigits) {
      media.onDtmf((digit) => {
        this.digits.push(digit);
        void this.record('call.dtmf', { digit });
      });
    } else if (opts.privateDigits) media.onDtmf((digit) => this.digits.push(digit));
  }

  /** Aborts when the call ends, from either side. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Set once the call has ended (or is ending); await it to see the CDR written. */
  get ended(): Promise<void> | undefined {
    return this.#ended;
  }

  /** Records an event about the call as it stands, after the ones before it. */
  record<T extends CallEventType>(type: T, data: CallEventData<T>): Promise<void> {
    this.#writes = this.#writes
      .then(() => recordCallEvent(this.#opts.deps, this.row, type, data))
      .catch((err) => this.#opts.engine.log.error({ err, callId: this.row.id, type }, 'call event not recorded'));
    return this.#writes;
  }

  /** Waits for the events recorded so far. */
  flush(): Promise<void> {
    return this.#writes;
  }

  /** `in_progress` with `call.answered`; from here the API can control the call until it ends. */
  async answered(): Promise<void> {
    this.row = await markAnswered(this.#opts.deps, this.row);
    if (!this.#ended) this.#opts.deps.activeCalls.register(this.row.id, this.#control);
  }

  /** Ends the call once: stops the verbs, stores an API recording, closes the media, writes the CDR. */
  finish(end: CallEnd, reason?: HangupReason): Promise<void> {
    if (this.#ended) return this.#ended;
    this.#abort.abort();
    this.#opts.deps.activeCalls.unregister(this.row.id, this.#control);
    // Takes the API recording's audio before the media closes; stores it before the call completes.
    const recorded = this.#control.finishRecording();
    this.#ended = Promise.all([this.#opts.media.close(), recorded]).then(async () => {
      await this.#writes;
      await endCall(this.#opts.deps, this.row, end, reason);
    });
    return this.#ended;
  }

  /**
   * Our BYE and the end at once: the call ends (and stops being billed) when we send the BYE, not when
   * its transaction completes, which a lost 200 OK can stretch to 32 s. A failed BYE is logged.
   */
  hangup(reason?: HangupReason): Promise<void> {
    if (this.#ended) return this.#ended;
    const bye = this.#opts.sip.hangup().catch((err) => this.#opts.engine.log.warn({ err, callId: this.row.id }, 'BYE failed'));
    return Promise.all([bye, this.finish({ by: this.#opts.us, cause: 'normal' }, reason)]).then(() => undefined);
  }

  /** The interpreter's view of this call. */
  host(secret: string | undefined): VerbHost {
    const { engine, media } = this.#opts;
    const legs = engine.legs;
    const rooms = this.#opts.deps.conferences;
    const prompts = this.#opts.deps.prompts?.(this.row.account_id);
    return {
      media,
      digits: this.digits,
      speak: (text, opts) => engine.speak(text, opts),
      context: () => callContext(this.row),
      secret,
      wavs: this.#opts.deps.wavs,
      fetch: this.#opts.deps.fetch,
      prompts,
      signal: this.signal,
      // Private keys (a PIN) are not recorded as a gather's digits either.
      gatherCompleted: (collected) => (this.#opts.privateDigits ? Promise.resolve() : this.record('call.gather.completed', { digits: collected })),
      ...(this.#save ? { saveRecording: this.#save } : {}),
      ...(this.#opts.deps.recordings ? { voicemail: this.#voicemail(this.#opts.deps.recordings) } : {}),
      ...(legs ? { dial: (verb, signal) => dialLeg(this.#opts.deps, legs, { row: this.row, media, log: engine.log, signal, hold: this.#opts.hold, prompts }, verb) } : {}),
      ...(rooms
        ? {
            conference: (verb, signal) =>
              conferenceVerb(this.#opts.deps, rooms, { row: this.row, media, log: engine.log, signal, record: (type, data) => this.record(type, data) }, verb),
          }
        : {}),
      log: engine.log,
    };
  }

  /** The account's voicemail boxes for the `voicemail` verb; messages are stored beside recordings. */
  #voicemail(stored: { store: RecordingStore; publicUrl: string }): VoicemailDesk {
    const { db, clock, events, mail } = this.#opts.deps;
    return {
      box: (id) => boxForCaller({ db }, this.row.account_id, id),
      save: async (boxId, pcm) => {
        await saveMessage({ db, clock, events, mail, recordings: stored.store, publicUrl: stored.publicUrl }, { accountId: this.row.account_id, boxId }, { id: this.row.id, from: this.row.from }, pcm);
      },
    };
  }

  /**
   * Runs the verbs (with live-control replacements), then hangs up: when the list runs out or a
   * `hangup` is reached. A far-end hangup meanwhile ends the call through onEnd; any other failure
   * ends it as a system error.
   */
  run(verbs: Verb[], secret: string | undefined): Promise<void> {
    return this.runFlow((host) => runVerbs(verbs, host, this.interrupts), secret);
  }

  /**
   * Runs a flow of our own on the call's verb host (the `*97` voicemail menu), ending the call like
   * run() does: hangs up when the flow returns, a system error when it fails.
   */
  async runFlow(flow: (host: VerbHost) => Promise<void>, secret: string | undefined): Promise<void> {
    try {
      await flow(this.host(secret));
      await this.#writes;
      if (this.#ended) return await this.#ended;
      await this.hangup();
    } catch (err) {
      if (this.#ended) return await this.#ended;
      this.#opts.engine.log.error({ err, callId: this.row.id }, 'call failed');
      await this.#opts.sip.hangup().catch(() => {});
      await this.finish({ by: 'system', cause: 'error' });
    }
  }
}
