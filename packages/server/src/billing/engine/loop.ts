import { sofiaDateOf } from '@prolope/rules';
import type { BillingDeps } from './deps.js';
import { runAccountBilling } from './run.js';

export interface BillingLoopOptions {
  /** false: no timer; the caller runs it with tick(). Default true. */
  loop?: boolean;
  /** How often the loop looks for accounts to bill. Default one minute. */
  intervalMs?: number;
}

export interface BillingLoop {
  /** Bills every real account that is behind through today (Sofia); resolves when done. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

interface Logger {
  error(obj: unknown, msg?: string): void;
}

/**
 * The daily billing jobs of real accounts (test-clock accounts move only with their clock): each tick
 * bills, through today, every account without a test clock that is behind and has something to bill
 * (subscriptions, or a termination whose data is still kept). One account's failure is logged and the
 * others go on; it is retried on the next tick.
 */
export function startBillingLoop(deps: BillingDeps, options: BillingLoopOptions = {}, log?: Logger): BillingLoop {
  let running: Promise<void> | undefined;
  let stopped = false;

  async function billAll(): Promise<void> {
    const today = sofiaDateOf(deps.clock.now());
    const withSubscriptions = deps.db.selectFrom('subscriptions').select('subscriptions.account_id');
    const accounts = await deps.db
      .selectFrom('accounts')
      .select('id')
      .where('test_clock_id', 'is', null)
      .where('data_deleted_at', 'is', null)
      .where((eb) => eb.or([eb('billed_through', 'is', null), eb('billed_through', '<', today)]))
      .where((eb) => eb.or([eb('terminated_on', 'is not', null), eb('id', 'in', withSubscriptions)]))
      .orderBy('id')
      .execute();
    for (const { id } of accounts) {
      if (stopped) return;
      try {
        await runAccountBilling(deps, id, today);
      } catch (err) {
        log?.error({ err, accountId: id }, 'billing jobs failed');
      }
    }
  }

  function tick(): Promise<void> {
    running ??= billAll()
      .catch((err) => log?.error({ err }, 'billing loop failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = options.loop === false ? undefined : setInterval(() => void tick(), options.intervalMs ?? 60_000);
  timer?.unref();
  if (timer) void tick();

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
