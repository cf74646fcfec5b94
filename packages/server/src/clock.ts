/**
 * The only source of "now" in the server. Billing, SLA and delivery retries ask a Clock so that
 * tests (and later, per-account test clocks) can move time without sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests. */
export function manualClock(start: Date | string): Clock & { advance(ms: number): void; set(at: Date | string): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(at) {
      t = new Date(at).getTime();
    },
  };
}

/** RFC 3339 in UTC with milliseconds: the one time format the API speaks. */
export function iso(d: Date): string {
  return d.toISOString();
}
