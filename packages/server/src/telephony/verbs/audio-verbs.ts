import { verbDefaults } from '../../http/contract.js';
import type { VerbHost } from './verb-host.js';
import type { PlayVerb, SayVerb } from './verb-types.js';

/** Speaks `text` (`loop` times); stops when `signal` aborts. */
export async function say(verb: SayVerb, host: VerbHost, signal: AbortSignal): Promise<void> {
  const samples = await host.speak(verb.text, {
    ...(verb.language ? { language: verb.language } : {}),
    ...(verb.voice ? { voice: verb.voice } : {}),
    signal,
  });
  for (let i = 0; i < (verb.loop ?? verbDefaults.say.loop) && !signal.aborted; i++) await host.media.play(samples, { signal });
}

/**
 * Plays the WAV at `url`, or the account's stored prompt `audio_id` (`loop` times). A file that cannot
 * be fetched or read, or a prompt the account does not have or that was taken down, is skipped with a
 * warning, like a missing prompt on a PBX: the call goes on with the next verb.
 */
export async function play(verb: PlayVerb, host: VerbHost, signal: AbortSignal): Promise<void> {
  if (verb.audio_id !== undefined) return playStored(verb.audio_id, verb, host, signal);
  let samples: Int16Array;
  try {
    samples = await host.wavs.fetch(verb.url as string, signal, host.fetch);
  } catch (err) {
    if (signal.aborted) throw err;
    host.log.warn({ err, url: verb.url, callId: host.context().call_id }, 'play: skipping a WAV that could not be fetched or read');
    return;
  }
  for (let i = 0; i < (verb.loop ?? verbDefaults.play.loop) && !signal.aborted; i++) await host.media.play(samples, { signal });
}

/**
 * A stored prompt: played under its playback's signal too, so the operator's takedown (terms 10.3)
 * stops it mid-frame on every call at once; the caller then hears silence and the next verb runs.
 */
async function playStored(audioId: string, verb: PlayVerb, host: VerbHost, signal: AbortSignal): Promise<void> {
  const callId = host.context().call_id;
  if (!host.prompts) {
    host.log.warn({ audioId, callId }, 'play: skipping a stored prompt (this server has no prompt source)');
    return;
  }
  const opened = await host.prompts.open(audioId, signal);
  if (!opened) {
    host.log.warn({ audioId, callId }, 'play: skipping a prompt the account does not have or that was taken down');
    return;
  }
  const { samples, playback } = opened;
  const both = AbortSignal.any([signal, playback.signal]);
  try {
    for (let i = 0; i < (verb.loop ?? verbDefaults.play.loop) && !both.aborted; i++) await host.media.play(samples, { signal: both });
  } finally {
    playback.release();
  }
  if (playback.signal.aborted && !signal.aborted) host.log.info({ audioId, callId }, 'play: the prompt was stopped while playing (taken down or deleted)');
}

/** Waits `seconds` in silence, or until `signal` aborts. */
export function pause(seconds: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, seconds * 1000);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
