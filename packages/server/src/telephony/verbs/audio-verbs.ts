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
 * Plays the WAV at `url` (`loop` times). A file that cannot be fetched or read is skipped with a
 * warning, like a missing prompt on a PBX: the call goes on with the next verb.
 */
export async function play(verb: PlayVerb, host: VerbHost, signal: AbortSignal): Promise<void> {
  let samples: Int16Array;
  try {
    samples = await host.wavs.fetch(verb.url, signal, host.fetch);
  } catch (err) {
    if (signal.aborted) throw err;
    host.log.warn({ err, url: verb.url, callId: host.context().call_id }, 'play: skipping a WAV that could not be fetched or read');
    return;
  }
  for (let i = 0; i < (verb.loop ?? verbDefaults.play.loop) && !signal.aborted; i++) await host.media.play(samples, { signal });
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
