import { sharedPcm } from '../telephony/media/index.js';

/** Decoded audio kept at most (8 kHz samples): about 64 MiB, as for the `play` URL cache. */
const MAX_SAMPLES = 32 * 1024 * 1024;

/**
 * Decoded stored prompts by audio id, so hold music or a greeting every call plays is read and decoded
 * once (a 10-minute prompt took 40-80 ms of the event loop to decode, delaying other calls' work).
 * Kept in shared memory, so each call's media worker gets it uncopied. Ids are never reused and a
 * prompt's audio never changes, so nothing goes stale: whether a prompt may play (taken down,
 * deleted) is read from the store on every play, not from here; a deleted prompt's audio goes when
 * evicted. One per server (voice.ts), least recently used evicted first past the cap.
 */
export class PromptAudioCache {
  readonly #entries = new Map<string, Int16Array>();
  #samples = 0;

  /** The cached samples of `id`, or those `load` gives (then kept). */
  async get(id: string, load: () => Promise<Int16Array | undefined>): Promise<Int16Array | undefined> {
    const hit = this.#entries.get(id);
    if (hit) {
      // Re-inserted last, so the map's order stays least recently used first.
      this.#entries.delete(id);
      this.#entries.set(id, hit);
      return hit;
    }
    const loaded = await load();
    if (!loaded || loaded.length > MAX_SAMPLES) return loaded;
    const shared = sharedPcm(loaded);
    if (!this.#entries.has(id)) {
      this.#entries.set(id, shared);
      this.#samples += shared.length;
      for (const [key, samples] of this.#entries) {
        if (this.#samples <= MAX_SAMPLES) break;
        this.#entries.delete(key);
        this.#samples -= samples.length;
      }
    }
    return shared;
  }

  get size(): number {
    return this.#entries.size;
  }
}
