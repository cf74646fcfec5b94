/** One playback of a stored prompt: `signal` aborts when the prompt is stopped; call `release()` when it ends. */
export interface PromptPlayback {
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * Every playback of stored prompts in progress on this server, by prompt id, so the operator's takedown
 * (terms 10.3) can stop all of them at once: `stop(id)` aborts each playback's signal, and the media
 * worker stops sending that prompt within the frame it is on. One per server instance (its
 * CallRuntime), not per process.
 *
 * A playback registers before it reads whether the prompt may play, and the takedown writes its status
 * before stopping: so a play that starts while a takedown commits either sees the new status or is
 * registered in time to be stopped; none slips between the two.
 */
export class PromptPlaybacks {
  readonly #playing = new Map<string, Set<AbortController>>();

  /** Registers a playback of prompt `id`. */
  start(id: string): PromptPlayback {
    const controller = new AbortController();
    let set = this.#playing.get(id);
    if (!set) {
      set = new Set();
      this.#playing.set(id, set);
    }
    set.add(controller);
    return {
      signal: controller.signal,
      release: () => {
        const current = this.#playing.get(id);
        if (!current) return;
        current.delete(controller);
        if (current.size === 0) this.#playing.delete(id);
      },
    };
  }

  /** Stops every playback of prompt `id` now; answers how many were playing. */
  stop(id: string, reason = 'the prompt was stopped'): number {
    const set = this.#playing.get(id);
    if (!set) return 0;
    this.#playing.delete(id);
    for (const controller of set) controller.abort(new Error(reason));
    return set.size;
  }

  /** How many playbacks of `id` are registered (for tests and stats). */
  count(id: string): number {
    return this.#playing.get(id)?.size ?? 0;
  }
}
