import type { FetchLike } from '../../http/safe-fetch.js';
import type { MediaSession } from '../backend.js';
import type { DigitQueue } from './digit-queue.js';
import type { PromptPlayback } from './prompt-playbacks.js';
import type { WavCache } from './wav-cache.js';
import type { CallContext, ConferenceVerb, DialVerb } from './verb-types.js';

/** Speech for `say`, injected so the interpreter never builds a TTS engine itself. */
export type Speak = (text: string, opts: { language?: string; voice?: string; signal?: AbortSignal }) => Promise<Int16Array>;

/** Where the interpreter logs: why a fetch failed, a verb it skipped. */
export interface VerbLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A stored recording, as a `record` verb's action_url is told about it. */
export interface SavedRecording {
  id: string;
  media_url: string;
  duration_seconds: number;
}

/** How a `dial` ended, as its action_url is told (the spec's VoiceRequest `dial_*` fields). */
export interface DialResult {
  status: 'completed' | 'busy' | 'no_answer' | 'failed' | 'canceled';
  /** The leg placed last; undefined when none could be placed (no route, caller ID not held). */
  callId: string | undefined;
  /** Seconds the two were bridged, rounded up. */
  durationSeconds: number;
}

/**
 * How a caller left a `conference` (the spec's VoiceRequest `conference_*` fields); `left` is the call's
 * own end or replaced instructions, after which no action_url is requested.
 */
export interface ConferenceResult {
  status: 'ended' | 'time_limit' | 'failed' | 'left';
  /** With `failed`: why the caller could not stay (the spec's `conference_error`). */
  error?: 'conference_unsupported' | 'media_busy' | 'mixer_lost';
  /** The room; undefined when the caller never got a seat. */
  conferenceId: string | undefined;
  /** Seconds in the room, rounded up. */
  durationSeconds: number;
}

/** A stored prompt opened for playing: its audio, and the playback that a takedown stops. */
export interface OpenPrompt {
  /** 8 kHz 16-bit mono PCM. */
  samples: Int16Array;
  /** Aborts when the prompt is taken down or deleted while it plays; release() when the play ends. */
  playback: PromptPlayback;
}

/**
 * The call's account's stored prompts (`play` with `audio_id`), injected: telephony knows no domain.
 * `open` answers undefined for a prompt the account does not have or that may not play (taken down).
 */
export interface PromptSource {
  open(audioId: string, signal: AbortSignal): Promise<OpenPrompt | undefined>;
}

/** A greeting as the `voicemail` verb plays it (TTS text for now; uploaded prompts come later). */
export interface VoicemailGreeting {
  type: 'tts';
  text: string;
  language?: string | undefined;
}

/** A voicemail box as a caller meets it. */
export interface VoicemailBoxForCaller {
  id: string;
  name: string;
  greetings: { unavailable: VoicemailGreeting | null; busy: VoicemailGreeting | null; name: VoicemailGreeting | null };
  maxSeconds: number;
}

/** The voicemail boxes of the call's account, as the calls domain hands them to the `voicemail` verb. */
export interface VoicemailDesk {
  /** The account's box, or undefined (another account's, or none). */
  box(id: string): Promise<VoicemailBoxForCaller | undefined>;
  /** Stores a message (8 kHz PCM) from this call's caller; records `voicemail.message.created`. */
  save(boxId: string, pcm: Int16Array): Promise<void>;
}

/** Everything the verbs act on for one answered call; the calls domain builds it. */
export interface VerbHost {
  media: MediaSession;
  digits: DigitQueue;
  speak: Speak;
  /** The call as it stands, sent with every request to the voice application. */
  context(): CallContext;
  /** The voice application's signing secret (Standard Webhooks). */
  secret: string | undefined;
  /** The server's decoded prompts, shared by its calls (`play` fetches each URL once). */
  wavs: WavCache;
  /** Stored prompts for `play` by `audio_id`; without it such a play is skipped with a warning. */
  prompts?: PromptSource | undefined;
  /** How requests to the voice application and prompt URLs are made (SSRF-guarded); default: the global fetch. */
  fetch?: FetchLike | undefined;
  /** Aborts when the call ends, from either side: every verb stops at once. */
  signal: AbortSignal;
  /** Records `call.gather.completed` with the digits. */
  gatherCompleted(digits: string): Promise<void>;
  /**
   * Stores a `record` verb's audio (8 kHz PCM) and records `call.recording.completed`. Optional so a
   * call flow can run verbs before it wires storage; without it `record` drops the audio with a warning.
   */
  saveRecording?(pcm: Int16Array): Promise<SavedRecording>;
  /**
   * Places the `dial` verb's leg and bridges it; resolves when the bridge ends (or the leg failed).
   * Optional: without a way to place calls (SIP off) `dial` is skipped with a warning.
   */
  dial?(verb: DialVerb, signal: AbortSignal): Promise<DialResult>;
  /**
   * Seats the caller in the `conference` verb's room; resolves when the caller leaves it. Optional: a
   * server without rooms (a call flow built without the runtime) skips `conference` with a warning.
   */
  conference?(verb: ConferenceVerb, signal: AbortSignal): Promise<ConferenceResult>;
  /** Voicemail boxes for the `voicemail` verb; without it the verb is skipped with a warning. */
  voicemail?: VoicemailDesk | undefined;
  log: VerbLogger;
}
