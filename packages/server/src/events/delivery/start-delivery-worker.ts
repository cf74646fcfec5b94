import { createSender } from './send.js';
import type { DeliveryDeps, DeliveryOptions, DeliveryWorker } from './types.js';
import { deliveryCore } from './worker.js';

// The bus hints while the event's transaction may still be committing: when a hinted look finds
// nothing, look again a little later, twice, before leaving it to the poll.
const HINT_DEBOUNCE_MS = 3;
const HINT_FOLLOW_UPS_MS = [5, 15, 50, 150];

/**
 * Starts the webhook delivery worker: sends every due `event_deliveries` row, signed, and records
 * each try (see settle.ts and outcome.ts for what a try means). Several workers, in one process or
 * several sharing PostgreSQL, may run on the same store.
 */
export function startDeliveryWorker(deps: DeliveryDeps, options: DeliveryOptions = {}): DeliveryWorker {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const limits = {
    maxInFlight: options.maxInFlight ?? 128,
    perEndpoint: options.perEndpoint ?? 64,
    // Longer than a send can take (its timeout) plus settling it; short enough that deliveries a killed
    // PostgreSQL worker held go out again within seconds. (A restarted SQLite server frees them at once.)
    lockMs: options.lockMs ?? timeoutMs + 10_000,
    random: options.random ?? Math.random,
    scanEveryMs: options.scanEveryMs ?? 50,
  };
  const sender = createSender({ policy: deps.webhookPolicy, timeoutMs });
  const core = deliveryCore(deps, limits, sender);
  const loop = options.loop ?? true;
  let stopping: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let followUps = 0;

  const wake = (delayMs: number) => {
    if (!loop || stopping || timer) return;
    timer = setTimeout(run, delayMs);
    timer.unref();
  };
  const run = async () => {
    timer = undefined;
    try {
      const round = await core.fill();
      // A round takes at most the free slots; look again at once in case more is due.
      if (round.claimed > 0) wake(0);
      else if (followUps > 0) wake(HINT_FOLLOW_UPS_MS[HINT_FOLLOW_UPS_MS.length - followUps--] ?? 0);
    } catch (err) {
      deps.log?.error({ err }, 'webhook delivery: could not claim deliveries');
    }
  };

  let unsubscribe: () => unknown = () => undefined;
  let poll: NodeJS.Timeout | undefined;
  if (loop) {
    core.onSettled = () => wake(0);
    unsubscribe = deps.events.subscribe(() => {
      followUps = HINT_FOLLOW_UPS_MS.length;
      wake(HINT_DEBOUNCE_MS);
    });
    poll = setInterval(() => wake(0), options.pollMs ?? 250);
    poll.unref();
    wake(0);
  }

  return {
    async tick() {
      let tries = 0;
      for (;;) {
        const round = await core.fill();
        tries += round.started;
        if (round.claimed > 0) continue;
        if (core.sends.size === 0) {
          // The last send may have ended (and written new deliveries, e.g. webhook_endpoint.disabled)
          // during a round that skipped the scan for other endpoints: look once more before stopping.
          const last = await core.fill(true);
          tries += last.started;
          if (last.claimed > 0 || core.sends.size > 0) continue;
          return tries;
        }
        await Promise.race(core.sends);
      }
    },
    stop() {
      stopping ??= (async () => {
        clearTimeout(timer);
        clearInterval(poll);
        unsubscribe();
        core.halt();
        await core.idle();
        let grace: NodeJS.Timeout | undefined;
        const cutOff = new Promise<boolean>((resolve) => {
          grace = setTimeout(() => resolve(true), options.stopGraceMs ?? 5_000);
        });
        const late = await Promise.race([Promise.allSettled([...core.sends]).then(() => false), cutOff]);
        clearTimeout(grace);
        if (late) {
          core.abort();
          await Promise.allSettled([...core.sends]);
        }
        await sender.close();
      })();
      return stopping;
    },
  };
}
