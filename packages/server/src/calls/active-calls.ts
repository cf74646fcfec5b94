import type { Verb } from '../telephony/verbs/verb-types.js';

/**
 * What the API can do to a call that is in progress in this process (live call control). The call
 * session that runs the call (calls/call-session.ts, inbound and outbound alike) implements it.
 */
export interface CallController {
  /** Ends the call with BYE; resolves when the call has been recorded as ended. */
  hangup(): Promise<void>;
  /** Interrupts the current verb and runs `verbs` instead of the remaining instructions. */
  replaceVerbs(verbs: Verb[]): void;
  /**
   * Starts recording what the far end sends and what a bridge relays to it: mixed (1 channel, the
   * default) or apart (2: the far end left, the other party right); does nothing when already recording.
   */
  startRecording(channels?: 1 | 2): void;
  /** Stops and stores the recording started with startRecording; does nothing when none runs. */
  stopRecording(): Promise<void>;
  /** Pauses or resumes that recording; false when none runs. */
  pauseRecording(paused: boolean): boolean;
  /** Mutes the far end: what it says reaches a bridged call and recordings as silence. */
  setMuted(muted: boolean): void;
}

/**
 * The calls in progress in one server instance, by call id (each server builds its own, in its
 * CallRuntime, so two servers in one process never see each other's calls). An API request for live control finds its call
 * here; a request that landed on another process is forwarded to the call's owner first
 * (calls/remote-control/).
 */
export class ActiveCalls {
  private readonly calls = new Map<string, CallController>();

  register(callId: string, controller: CallController): void {
    this.calls.set(callId, controller);
  }

  /** Forgets the call (only when `controller` is still the one registered, if given). */
  unregister(callId: string, controller?: CallController): void {
    if (controller && this.calls.get(callId) !== controller) return;
    this.calls.delete(callId);
  }

  get(callId: string): CallController | undefined {
    return this.calls.get(callId);
  }
}
