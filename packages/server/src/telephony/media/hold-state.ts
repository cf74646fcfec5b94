import type { HoldSignal } from '../backend.js';

/** A HoldSignal its owner sets: listeners hear only changes, and a listener's failure stays its own. */
export interface HoldState extends HoldSignal {
  set(held: boolean): void;
}

export function holdState(): HoldState {
  const listeners = new Set<(held: boolean) => void>();
  let held = false;
  return {
    get held() {
      return held;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(now) {
      if (now === held) return;
      held = now;
      for (const listener of listeners) {
        try {
          listener(held);
        } catch {
          // A listener's failure must not fail the SIP answer.
        }
      }
    },
  };
}
