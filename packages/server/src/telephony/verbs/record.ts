import { tone } from '../media/index.js';
import type { VerbHost, SavedRecording } from './verb-host.js';
import { watchSilence } from './silence.js';
import type { RecordVerb } from './verb-types.js';
import { verbDefaults } from '../../http/contract.js';

// A verb's defaults come from the spec (generated): verbs sit in a oneOf, where validation fills in none.
const DEFAULTS = verbDefaults.record;
/** The beep before recording: 1 kHz for a quarter second, as answering machines do. */
export const BEEP = tone(1000, 250);

/** How a capture ends: the beep before it, the longest it runs, the key that ends it, the silence that does. */
export interface CaptureOptions {
  beep: boolean;
  maxSeconds: number;
  /** '' for none. */
  finishKey: string;
  /** Seconds of silence that end it; undefined: silence does not. */
  timeoutSeconds: number | undefined;
}

/**
 * Captures what the caller sends: after an optional beep, until `maxSeconds`, the finish key, the
 * silence timeout or the call ending (hang-up or a live-control interruption). Answers the audio in
 * every case, with the abort to rethrow once it is stored when the call ended meanwhile. Keys pressed
 * before the capture began do not end it; the silence that ended it is left out.
 */
export async function captureCaller(opts: CaptureOptions, host: VerbHost): Promise<{ pcm: Int16Array; aborted: unknown }> {
  const { signal } = host;
  if (opts.beep) await host.media.play(BEEP, { signal });
  signal.throwIfAborted();
  // Type-ahead belongs to gathers; a key pressed before the beep must not cut the message short.
  while (host.digits.pending) await host.digits.take(0, signal);

  const deadline = Date.now() + opts.maxSeconds * 1000;
  const recording = host.media.startRecording();
  const silence = opts.timeoutSeconds ? watchSilence(host.media, opts.timeoutSeconds * 1000) : undefined;
  const waitSignal = silence ? AbortSignal.any([signal, silence.signal]) : signal;
  let aborted: unknown;
  try {
    for (let left = deadline - Date.now(); left > 0; left = deadline - Date.now()) {
      const key = await host.digits.take(left, waitSignal);
      if (key === undefined || (opts.finishKey !== '' && key === opts.finishKey)) break;
    }
  } catch (err) {
    // Silence ends the recording like the finish key; only the call's own end is passed on.
    if (signal.aborted || !silence?.signal.aborted) aborted = err;
  } finally {
    silence?.stop();
  }
  // Audio is placed by RTP timestamp, so a sender's clock or a late stop can yield a little more than
  // maxSeconds; the recording is cut to the promised length (8 kHz samples).
  let pcm = (await recording.stop()).subarray(0, opts.maxSeconds * 8000);
  if (silence?.signal.aborted && aborted === undefined) pcm = pcm.subarray(0, Math.max(0, pcm.length - silence.trailingSamples()));
  return { pcm, aborted };
}

/**
 * Records what the caller sends (see captureCaller) for the `record` verb and stores it in every
 * case, also when the call ends meanwhile; then the abort is rethrown.
 */
export async function recordCaller(verb: RecordVerb, host: VerbHost): Promise<SavedRecording | undefined> {
  const { pcm, aborted } = await captureCaller(
    {
      beep: verb.play_beep ?? DEFAULTS.play_beep,
      maxSeconds: verb.max_seconds ?? DEFAULTS.max_seconds,
      finishKey: verb.finish_on_key ?? DEFAULTS.finish_on_key,
      timeoutSeconds: verb.timeout_seconds,
    },
    host,
  );
  let saved: SavedRecording | undefined;
  if (!host.saveRecording) host.log.warn({ callId: host.context().call_id }, 'record: this call cannot store recordings; audio dropped');
  else {
    try {
      saved = await host.saveRecording(pcm);
    } catch (err) {
      host.log.warn({ err, callId: host.context().call_id }, 'record: the recording could not be stored');
    }
  }
  if (aborted !== undefined) throw aborted;
  return saved;
}
