import { sharedPcm } from '../media/shared-pcm.js';
import { raceAbort } from './abort.js';
import type { TtsEngine, TtsOptions } from './tts-engine.js';

/** A {@link TtsEngine} with an LRU cache in front. */
export interface CachedTtsEngine extends TtsEngine {
  /** The engine behind the cache. */
  readonly engine: TtsEngine;
  /** Counters since creation, and how many entries are held now. */
  stats(): { hits: number; misses: number; size: number };
  /** Forgets every entry. */
  clear(): void;
}

/**
 * Caches an engine's output in memory, least recently used out first. IVR prompts repeat a lot
 * ("Press 1 for sales"), so most `say`s become a lookup. Keyed by text, voice, language and rate.
 *
 * The same `Int16Array` is handed to every caller: treat it as read-only. Concurrent requests for the
 * same key share one synthesis. A caller's `signal` stops only its own wait; the synthesis goes on and
 * fills the cache for the next caller. Failures are not cached. Memory: ~16 kB per second of audio,
 * so 200 five-second prompts hold ~16 MB.
 */
export function cachedTts(engine: TtsEngine, maxEntries: number): CachedTtsEngine {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  // A Map iterates in insertion order; re-inserting on a hit makes the first key the least recently used.
  const entries = new Map<string, Promise<Int16Array>>();
  let hits = 0;
  let misses = 0;

  return {
    name: `cached(${engine.name})`,
    engine,
    stats: () => ({ hits, misses, size: entries.size }),
    clear: () => entries.clear(),
    synthesize(text: string, opts: TtsOptions = {}): Promise<Int16Array> {
      const key = JSON.stringify([text, opts.voice ?? null, opts.language ?? null, opts.rate ?? null]);
      let entry = entries.get(key);
      if (entry) {
        hits++;
        entries.delete(key);
        entries.set(key, entry);
      } else {
        misses++;
        // No signal: the shared synthesis must not die with the first caller's call.
        // Kept in shared memory, so plays in media workers share it instead of copying it each time.
        const created = engine.synthesize(text, { ...opts, signal: undefined }).then(sharedPcm);
        entry = created;
        entries.set(key, created);
        created.catch(() => {
          if (entries.get(key) === created) entries.delete(key);
        });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return raceAbort(entry, opts.signal);
    },
  };
}
