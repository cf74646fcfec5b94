import { type Clock, iso } from '../clock.js';
import type { Db } from '../store/db.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';

export interface IdempotencyPurgeOptions {
  /** false: no timer; the caller drives it with tick() (tests with a manual clock). Default true. */
  loop?: boolean;
  /** Time between two purges. Default 10 minutes: a record outlives its 24 hours by at most that. */
  everyMs?: number;
}

export interface IdempotencyPurge {
  /** Deletes every Idempotency-Key record older than 24 hours at the clock's now; resolves with how many. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export interface IdempotencyPurgeDeps {
  db: Db;
  clock: Clock;
  log?: { error(obj: unknown, msg?: string): void } | undefined;
}

/**
 * Replays are promised for 24 hours, and nothing reads a record after that (a claim finds an old row
 * expired and replaces it), so the purge only keeps the table (and the sealed answers in it) from
 * growing for ever. A plain delete by age: rows are written once per POST, so each run deletes about
 * ten minutes' worth. Safe with several processes sharing PostgreSQL: they delete the same rows.
 */
export function startIdempotencyPurge(deps: IdempotencyPurgeDeps, options: IdempotencyPurgeOptions = {}): IdempotencyPurge {
  const loop = options.loop ?? true;
  const everyMs = options.everyMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function purge(): Promise<number> {
    const before = iso(new Date(deps.clock.now().getTime() - IDEMPOTENCY_TTL_MS));
    const result = await deps.db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  const schedule = () => {
    if (!loop || stopped) return;
    timer = setTimeout(run, everyMs);
    timer.unref();
  };
  const run = async () => {
    timer = undefined;
    const p = purge();
    running = p;
    try {
      await p;
    } catch (err) {
      deps.log?.error({ err }, 'idempotency purge failed; trying again at the next run');
    } finally {
      running = undefined;
      schedule();
    }
  };
  schedule();

  return {
    tick: purge,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
