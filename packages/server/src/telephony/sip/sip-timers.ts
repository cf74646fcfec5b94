/**
 * RFC 3261 §17 timer values and the one retransmission pattern every transaction uses: resend after
 * T1, doubling up to T2, give up after 64*T1 (Timers E/F, G/H, and the UAS core's 2xx, §13.3.1.4).
 * Real timers, unref'd so a forgotten one never keeps the process alive; tests shrink T1/T2 instead
 * of faking the clock, and assert on message counts and order rather than durations.
 */

/** Base timer values in milliseconds. */
export interface SipTimerConfig {
  /** RTT estimate (default 500 ms). */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s). */
  t2: number;
  /** Maximum time a message stays in the network (default 5 s): Timers I and K. */
  t4: number;
  /**
   * How long an INVITE may wait for the handler's first response before we send 100 Trying (§17.2.1:
   * within 200 ms). A challenge or refusal sent sooner goes alone, so a flood draws one datagram each.
   */
  trying: number;
}

/** RFC 3261 defaults (§17.1.1.1, Table 4). */
export const DEFAULT_TIMERS: SipTimerConfig = { t1: 500, t2: 4000, t4: 5000, trying: 200 };

/** Cancels a scheduled timer or schedule. */
export type Cancel = () => void;

/** Runs `fn` once after `ms`. */
export function after(ms: number, fn: () => void): Cancel {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
}

/**
 * Calls `resend` at T1, then doubling intervals capped at T2, until cancelled; after 64*T1 stops and
 * calls `giveUp`.
 */
export function retransmitUntil(cfg: SipTimerConfig, resend: () => void, giveUp: () => void): Cancel {
  let interval = cfg.t1;
  let cancelTick: Cancel = () => {};
  const tick = () => {
    resend();
    interval = Math.min(interval * 2, cfg.t2);
    cancelTick = after(interval, tick);
  };
  cancelTick = after(interval, tick);
  const cancelGiveUp = after(64 * cfg.t1, () => {
    cancelTick();
    giveUp();
  });
  return () => {
    cancelTick();
    cancelGiveUp();
  };
}
