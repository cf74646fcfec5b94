import type { MediaSession, RecordingHandle } from '../telephony/backend.js';
import type { VerbLogger } from '../telephony/verbs/verb-host.js';
import type { VerbInterrupts } from '../telephony/verbs/interpreter.js';
import type { CallController } from './active-calls.js';

export interface CallControlOptions {
  media: MediaSession;
  /** The interrupts the call's runVerbs was given. */
  interrupts: VerbInterrupts;
  /** Sends BYE and records the end; resolves when the call is recorded as ended. */
  hangup(): Promise<void>;
  /** Stores recorded audio (see recordings/service.ts); undefined when the call flow has no storage. */
  save: ((pcm: Int16Array, channels: 1 | 2) => Promise<unknown>) | undefined;
  log: VerbLogger;
  callId: string;
}

/**
 * The live-control side of a running call: register the result with the server's `ActiveCalls` once the call is
 * answered, and call `finishRecording()` when it ends so a recording started through the API is
 * stored (before the media closes).
 */
export function callControl(opts: CallControlOptions): CallController & { finishRecording(): Promise<void> } {
  let recording: { handle: RecordingHandle; channels: 1 | 2 } | undefined;
  const stopAndSave = async () => {
    const running = recording;
    recording = undefined;
    if (!running) return;
    const pcm = await running.handle.stop();
    if (!opts.save) {
      opts.log.warn({ callId: opts.callId }, 'recording: this call cannot store recordings; audio dropped');
      return;
    }
    await opts.save(pcm, running.channels);
  };
  return {
    hangup: () => opts.hangup(),
    replaceVerbs: (verbs) => opts.interrupts.replace(verbs),
    startRecording(channels = 1) {
      recording ??= { handle: opts.media.startRecording({ channels }), channels };
    },
    stopRecording: stopAndSave,
    pauseRecording(paused) {
      if (!recording) return false;
      if (paused) recording.handle.pause();
      else recording.handle.resume();
      return true;
    },
    setMuted: (muted) => opts.media.setMuted(muted),
    async finishRecording() {
      try {
        await stopAndSave();
      } catch (err) {
        opts.log.warn({ err, callId: opts.callId }, 'recording started through the API could not be stored');
      }
    },
  };
}
