/**
 * Waiting for a packet's send time. Send times are computed from a monotonic start time
 * (performance.now(), immune to wall-clock jumps) as `start + i * 20 ms` and each wait targets that
 * absolute time, so timer lateness does not accumulate the way chained setInterval/setTimeout(20) would:
 * a late packet is followed by a shorter wait.
 */

/** Milliseconds on the monotonic clock. */
export const now = (): number => performance.now();

/** If we fall further behind the schedule than this, move the schedule instead of bursting to catch up. */
export const MAX_LATENESS_MS = 60;

/**
 * Resolves at `targetMs` (on the {@link now} clock), or as soon as any given signal aborts. Never
 * rejects; callers check their signals afterwards.
 */
export function waitUntil(targetMs: number, ...signals: Array<AbortSignal | undefined>): Promise<void> {
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  if (active.some((s) => s.aborted)) return Promise.resolve();
  if (targetMs - now() <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      for (const s of active) s.removeEventListener('abort', done);
      resolve();
    };
    // libuv measures timers from its cached loop time, so a timer can fire up to ~1 ms before the
    // target on our clock; re-arm for the remainder instead of sending early.
    const arm = () => {
      const remaining = targetMs - now();
      if (remaining <= 0) done();
      else timer = setTimeout(arm, Math.ceil(remaining));
    };
    for (const s of active) s.addEventListener('abort', done, { once: true });
    arm();
  });
}
