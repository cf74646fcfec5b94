import type { RtpLogger } from '../media/index.js';
import type { RtpengineNg } from './rtpengine-ng.js';

/**
 * Notices that rtpengine lost a call mid-call: killed (no answer to the ng `query`), or restarted
 * without its state ("Unknown call-id"). Without this the caller would hear nothing until our leg's
 * RTP timeout, and the call record would blame the far end's audio. One unanswered query is not
 * enough (the ng protocol is UDP and can lose a packet): two in a row are.
 */
export const MISSES_BEFORE_LOST = 2;

export class RtpengineWatch {
  readonly #ng: RtpengineNg;
  readonly #callId: string;
  readonly #intervalMs: number;
  readonly #logger: RtpLogger | undefined;
  readonly #listeners: Array<(reason: string) => void> = [];
  #timer: NodeJS.Timeout | undefined;
  #misses = 0;
  #stopped = false;

  constructor(ng: RtpengineNg, callId: string, intervalMs: number, logger?: RtpLogger) {
    this.#ng = ng;
    this.#callId = callId;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
    this.#schedule();
  }

  /** Called once, when rtpengine no longer carries the call. */
  onLost(listener: (reason: string) => void): void {
    this.#listeners.push(listener);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#check(), this.#intervalMs);
    this.#timer.unref();
  }

  async #check(): Promise<void> {
    let failure: string | undefined;
    try {
      await this.#ng.command('query', { 'call-id': this.#callId });
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (this.#stopped) return;
    if (failure === undefined) {
      this.#misses = 0;
    } else if (++this.#misses >= MISSES_BEFORE_LOST) {
      this.stop();
      this.#logger?.warn({ callId: this.#callId, reason: failure }, 'rtpengine lost the call');
      for (const listener of this.#listeners.splice(0)) listener(failure);
      return;
    }
    this.#schedule();
  }
}
