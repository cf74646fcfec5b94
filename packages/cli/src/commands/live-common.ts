import type { StreamStatus } from '@prolope/sdk';

/**
 * Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers either way.
 *
 * @example
 * ```ts
 * const signal = untilSignal();
 * await Promise.race([signal.stopped, work]);
 * signal.dispose();
 * ```
 */
export function untilSignal(): { stopped: Promise<NodeJS.Signals>; dispose: () => void } {
  let stop: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((done) => {
    stop = (signal) => done(signal);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/**
 * The local wall-clock time as `HH:MM:SS`, the first column of `listen` and `logs tail` lines.
 *
 * @example
 * ```ts
 * clockTime(new Date(2026, 0, 1, 9, 5, 7)); // '09:05:07'
 * ```
 */
export function clockTime(at: Date = new Date()): string {
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * What to tell the user on stderr when a stream's connection changes, or undefined for the first open.
 *
 * @example
 * ```ts
 * connectionNote({ state: 'reconnecting', attempt: 1, delayMs: 400, reason: 'closed with code 1006' });
 * // 'Connection lost (closed with code 1006); reconnecting in 0.4 s (attempt 1)…'
 * ```
 */
export function connectionNote(status: StreamStatus, lastEventId?: string): string | undefined {
  if (status.state === 'reconnecting') {
    const what = status.attempt === 1 ? 'Connection lost' : 'Still not connected';
    return `${what} (${status.reason}); reconnecting in ${(status.delayMs / 1000).toFixed(1)} s (attempt ${status.attempt})…`;
  }
  if (!status.reconnected) return undefined;
  return lastEventId ? `Reconnected; resuming after ${lastEventId}.` : 'Reconnected.';
}
