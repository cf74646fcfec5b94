import { iso } from '../../clock.js';
import type { Db } from '../../store/db.js';
import type { NodesTable } from '../../store/schema.js';

/** Takes or renews this node's lease until `now + leaseMs` (a restart under the same id takes the row over). */
export async function renewLease(db: Db, node: { id: string; url: string | null }, now: Date, leaseMs: number, starting = false): Promise<void> {
  const row = { heartbeat_at: iso(now), lease_until: iso(new Date(now.getTime() + leaseMs)), url: node.url };
  await db
    .insertInto('nodes')
    .values({ id: node.id, started_at: iso(now), ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(starting ? { ...row, started_at: iso(now) } : row))
    .execute();
}

export async function findNode(db: Db, id: string): Promise<NodesTable | undefined> {
  return db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether a node's lease holds at `now`. */
export function leaseHolds(node: Pick<NodesTable, 'lease_until'> | undefined, now: Date): boolean {
  return node !== undefined && node.lease_until > iso(now);
}

/** Nodes other than `self` whose lease ran out before `now`. */
export async function expiredNodes(db: Db, self: string, now: Date): Promise<NodesTable[]> {
  return db.selectFrom('nodes').selectAll().where('id', '!=', self).where('lease_until', '<=', iso(now)).execute();
}

/** Forgets a node, only if its lease is still the one seen (a node that came back in between keeps its row). */
export async function removeNode(db: Db, node: Pick<NodesTable, 'id' | 'lease_until'>): Promise<void> {
  await db.deleteFrom('nodes').where('id', '=', node.id).where('lease_until', '=', node.lease_until).execute();
}

/** A node closing cleanly gives its lease up. */
export async function releaseLease(db: Db, id: string): Promise<void> {
  await db.deleteFrom('nodes').where('id', '=', id).execute();
}

/** Nodes other than `self` whose lease holds at `now`: where a broadcast (a prompt's takedown) must reach. */
export async function liveNodes(db: Db, self: string, now: Date): Promise<NodesTable[]> {
  return db.selectFrom('nodes').selectAll().where('id', '!=', self).where('lease_until', '>', iso(now)).execute();
}
