/**
 * The DTMF keys a caller pressed and no gather has used yet. Keys pressed before a gather starts are
 * kept (type-ahead: callers who know the menu press early), so the queue listens from call start.
 */
export class DigitQueue {
  private readonly digits: string[] = [];
  private waiter: ((digit: string) => void) | undefined;
  private readonly listeners = new Set<(digit: string) => void>();

  /** Feeds a key from the media session. */
  push(digit: string): void {
    for (const listener of this.listeners) listener(digit);
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(digit);
    } else this.digits.push(digit);
  }

  /** Whether a key is waiting to be taken. */
  get pending(): boolean {
    return this.digits.length > 0;
  }

  /** Calls `listener` on every key until the returned function is called (barge-in). */
  watch(listener: (digit: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next key, or undefined after `timeoutMs` without one; rejects when `signal` aborts. */
  take(timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
    const queued = this.digits.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = undefined;
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        done();
        resolve(undefined);
      }, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (digit) => {
        done();
        resolve(digit);
      };
    });
  }
}
