import type { CallEnd } from '../backend.js';

/**
 * The end of a call, told once to every listener: `onEnd` of both backends' calls, inbound and outbound.
 * A listener registered after the end still hears of it (once), so a fast CANCEL races no one.
 */
export class EndOnce {
  #ended: CallEnd | undefined;
  #listeners: Array<(end: CallEnd) => void> = [];
  readonly #listenerThrew: (err: unknown) => void;

  /** `listenerThrew` logs a listener's error: one failing listener must not keep the others from hearing. */
  constructor(listenerThrew: (err: unknown) => void) {
    this.#listenerThrew = listenerThrew;
  }

  get ended(): CallEnd | undefined {
    return this.#ended;
  }

  listen(listener: (end: CallEnd) => void): void {
    const ended = this.#ended;
    if (ended) queueMicrotask(() => listener(ended));
    else this.#listeners.push(listener);
  }

  /** Records the end; a later one is ignored (the first cause is the call's). */
  fire(end: CallEnd): void {
    if (this.#ended) return;
    this.#ended = end;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) {
      try {
        listener(end);
      } catch (err) {
        this.#listenerThrew(err);
      }
    }
  }
}
