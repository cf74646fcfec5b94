import type { FetchLike } from '../../http/safe-fetch.js';
import { readWavAs8kPcm, sharedPcm } from '../media/index.js';
import { readCapped } from './read-capped.js';

/** The largest WAV `play` fetches (about 10 minutes of 8 kHz 16-bit audio, or 1 minute at 44.1 kHz stereo). */
export const MAX_WAV_BYTES = 10 * 1024 * 1024;
const WAV_FETCH_TIMEOUT_MS = 10_000;
/** Without Cache-Control a prompt is reused this long: IVRs play the same greeting to every caller. */
const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_TTL_MS = 60 * 60_000;
/** Decoded audio kept at most (8 kHz samples): about 64 MiB. */
const MAX_SAMPLES = 32 * 1024 * 1024;

interface Entry {
  expires: number;
  samples: Int16Array | undefined;
  loading: Promise<Int16Array> | undefined;
}

/**
 * Decoded prompts by URL. Fetching and decoding a long WAV took 11-17 ms of the event loop per call
 * in bench/sip, which delays every other call's packets; so each URL is fetched once and shared by the
 * calls that play it (concurrent ones wait for the same fetch), honouring `Cache-Control` (no-store
 * and no-cache are not kept; max-age is, up to an hour). One per server instance (its CallRuntime),
 * not per process: two servers in one process keep their own.
 */
export class WavCache {
  readonly #entries = new Map<string, Entry>();
  #cachedSamples = 0;

  /** The WAV at `url` as 8 kHz PCM, from the cache when fresh; throws when it is unreachable, too large or not a WAV. */
  async fetch(url: string, signal: AbortSignal, fetchImpl: FetchLike = fetch): Promise<Int16Array> {
    signal.throwIfAborted();
    const entries = this.#entries;
    const hit = entries.get(url);
    if (hit?.samples && hit.expires > Date.now()) return hit.samples;
    let loading = hit?.loading;
    if (!loading) {
      const entry: Entry = { expires: 0, samples: undefined, loading: undefined };
      loading = load(url, fetchImpl).then(
        ({ samples: decoded, ttlMs }) => {
          entry.loading = undefined;
          // Kept shared: every call playing it hands the same memory to its media worker, uncopied.
          const samples = ttlMs > 0 ? sharedPcm(decoded) : decoded;
          if (ttlMs > 0 && samples.length <= MAX_SAMPLES) {
            entry.samples = samples;
            entry.expires = Date.now() + ttlMs;
            this.#cachedSamples += samples.length;
            // Re-inserted last, so the map's order stays oldest-first for eviction.
            entries.delete(url);
            entries.set(url, entry);
            this.#evict();
          } else if (entries.get(url) === entry) entries.delete(url);
          return samples;
        },
        (err: unknown) => {
          if (entries.get(url) === entry) entries.delete(url);
          throw err;
        },
      );
      entry.loading = loading;
      if (hit?.samples) this.#cachedSamples -= hit.samples.length;
      entries.set(url, entry);
    }
    // This call stops waiting when it ends; the fetch goes on for the others.
    return new Promise<Int16Array>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      (loading as Promise<Int16Array>).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  #evict(): void {
    const at = Date.now();
    for (const [url, entry] of this.#entries) {
      if (this.#cachedSamples <= MAX_SAMPLES && entry.expires > at) break;
      if (!entry.samples) continue;
      this.#entries.delete(url);
      this.#cachedSamples -= entry.samples.length;
    }
  }
}

function ttlOf(cacheControl: string | null): number {
  if (!cacheControl) return DEFAULT_TTL_MS;
  if (/no-store|no-cache|private/i.test(cacheControl)) return 0;
  const maxAge = /max-age=(\d+)/i.exec(cacheControl)?.[1];
  return maxAge === undefined ? DEFAULT_TTL_MS : Math.min(Number(maxAge) * 1000, MAX_TTL_MS);
}

async function load(url: string, fetchImpl: FetchLike): Promise<{ samples: Int16Array; ttlMs: number }> {
  // Not tied to one call's signal: other calls may be waiting for the same fetch.
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(WAV_FETCH_TIMEOUT_MS) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url} answered ${res.status}`);
  }
  const samples = readWavAs8kPcm(await readCapped(res, MAX_WAV_BYTES));
  return { samples, ttlMs: ttlOf(res.headers.get('cache-control')) };
}
