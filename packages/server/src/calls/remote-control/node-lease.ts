import type { Clock } from '../../clock.js';
import type { Db } from '../../store/db.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import { expiredNodes, releaseLease, removeNode, renewLease } from './node-lease-store.js';
import { failCallsOf } from './orphaned-calls.js';

export interface NodeLeaseOptions {
  /** false: no timer; the caller drives it with tick() (tests with a manual clock). Default true. */
  loop?: boolean;
}

export interface NodeLeaseDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void } | undefined;
}

export interface NodeLease {
  /** Renews this node's lease, then fails the calls of nodes whose lease ran out; resolves with how many. */
  tick(): Promise<number>;
  /** Stops renewing, fails any call still recorded under this node (voice stops first) and gives the lease up. */
  stop(): Promise<void>;
}

/**
 * This node's lease on PostgreSQL and the sweep of the others'. The lease is renewed three times per
 * lease period, so a slow tick or two does not lose it; every tick also looks for nodes whose lease ran
 * out at the clock's now and marks their live calls failed. On start, calls recorded under this node id
 * by an earlier run (a crash and restart under the same PROLOPE_NODE_ID) are failed at once: no process
 * holds them any more.
 */
export async function startNodeLease(
  deps: NodeLeaseDeps,
  node: { id: string; url: string | null; leaseMs: number },
  opts: NodeLeaseOptions = {},
): Promise<NodeLease> {
  const started = deps.clock.now();
  await renewLease(deps.db, node, started, node.leaseMs, true);
  const leftover = await failCallsOf(deps, node.id, started, `the server process carrying the call (node ${node.id}) restarted`);
  if (leftover.length > 0) deps.log?.info({ calls: leftover.length }, `remote control: failed the calls node ${node.id} held before it restarted`);

  async function tick(): Promise<number> {
    const now = deps.clock.now();
    await renewLease(deps.db, node, now, node.leaseMs);
    let failed = 0;
    for (const dead of await expiredNodes(deps.db, node.id, now)) {
      const why = `the server process carrying the call (node ${dead.id}) stopped answering: its lease ran out at ${dead.lease_until}`;
      const calls = await failCallsOf(deps, dead.id, new Date(dead.heartbeat_at), why);
      await removeNode(deps.db, dead);
      if (calls.length > 0) deps.log?.warn({ node: dead.id, calls: calls.length }, 'remote control: failed the calls of a node whose lease ran out');
      failed += calls.length;
    }
    return failed;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  if (opts.loop !== false) {
    const every = Math.max(100, Math.floor(node.leaseMs / 3));
    timer = setInterval(() => {
      running = running.then(tick).catch((err: unknown) => deps.log?.warn({ err }, 'remote control: renewing the lease failed'));
    }, every);
    timer.unref();
  }
  return {
    tick: () => {
      const t = running.then(tick);
      running = t.catch(() => undefined);
      return t;
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      // Voice has stopped: a call it left unended is held by no one now, and once the lease is given up
      // no other node would sweep it.
      await failCallsOf(deps, node.id, deps.clock.now(), `the server process carrying the call (node ${node.id}) stopped`);
      await releaseLease(deps.db, node.id);
    },
  };
}
