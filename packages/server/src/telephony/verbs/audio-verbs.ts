import { readWavAs8kPcm } from '../embedded/rtp/index.js';
import type { CallHost } from './call-host.js';
import { readCapped } from './read-capped.js';
import type { PlayVerb, SayVerb } from './verb-types.js';

/** The largest WAV `play` fetches (about 10 minutes of 8 kHz 16-bit audio, or 1 minute at 44.1 kHz stereo). */
export const MAX_WAV_BYTES = 10 * 1024 * 1024;
const WAV_FETCH_TIMEOUT_MS = 10_000;

/** Speaks `text` (`loop` times); stops when `signal` aborts. */
export async function say(verb: SayVerb, host: CallHost, signal: AbortSignal): Promise<void> {
  const samples = await host.speak(verb.text, {
    ...(verb.language ? { language: verb.language } : {}),
    ...(verb.voice ? { voice: verb.voice } : {}),
    signal,
  });
  for (let i = 0; i < (verb.loop ?? 1) && !signal.aborted; i++) await host.media.play(samples, { signal });
}

/** Fetches the WAV at `url` as 8 kHz PCM; throws when it is unreachable, too large or not a WAV we read. */
export async function fetchWav(url: string, signal: AbortSignal): Promise<Int16Array> {
  const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(WAV_FETCH_TIMEOUT_MS)]) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url} answered ${res.status}`);
  }
  return readWavAs8kPcm(await readCapped(res, MAX_WAV_BYTES));
}

/**
 * Plays the WAV at `url` (`loop` times). A file that cannot be fetched or read is skipped with a
 * warning, like a missing prompt on a PBX: the call goes on with the next verb.
 */
export async function play(verb: PlayVerb, host: CallHost, signal: AbortSignal): Promise<void> {
  let samples: Int16Array;
  try {
    samples = await fetchWav(verb.url, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    host.log.warn({ err, url: verb.url, callId: host.context().call_id }, 'play: skipping a WAV that could not be fetched or read');
    return;
  }
  for (let i = 0; i < (verb.loop ?? 1) && !signal.aborted; i++) await host.media.play(samples, { signal });
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
