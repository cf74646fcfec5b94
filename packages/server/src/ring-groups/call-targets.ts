import type { Db } from '../store/db.js';
import { findRingGroup, findRingGroupByExtension, takeRoundRobinStart } from './store.js';
import type { RingGroupFallback, RingGroupMember } from './views.js';

/** A ring group as a call rings it (the calls domain reads groups through here, never the table). */
export interface RingGroupTarget {
  id: string;
  accountId: string;
  name: string;
  extension: string | null;
  strategy: 'simultaneous' | 'sequential' | 'round_robin';
  members: RingGroupMember[];
  timeoutSeconds: number;
  fallback: RingGroupFallback | null;
}

/** The account's group `id`, or undefined: never another account's. */
export async function ringGroupById(db: Db, accountId: string, id: string): Promise<RingGroupTarget | undefined> {
  const row = await findRingGroup(db, accountId, id);
  return (
    row && {
      id: row.id,
      accountId: row.account_id,
      name: row.name,
      extension: row.extension,
      strategy: row.strategy as RingGroupTarget['strategy'],
      members: JSON.parse(row.members) as RingGroupMember[],
      timeoutSeconds: row.timeout_seconds,
      fallback: row.fallback === null ? null : (JSON.parse(row.fallback) as RingGroupFallback),
    }
  );
}

/** The id of the account's group a phone of the account dials by `extension`, or undefined. */
export async function ringGroupIdByExtension(db: Db, accountId: string, extension: string): Promise<string | undefined> {
  return (await findRingGroupByExtension(db, accountId, extension))?.id;
}

/**
 * The member index a round-robin call starts with, modulo `count`; the group's cursor moves on
 * atomically (store.ts), so concurrent calls on several processes each get their own.
 */
export async function roundRobinStart(db: Db, group: RingGroupTarget, count: number): Promise<number> {
  return ((await takeRoundRobinStart(db, group.accountId, group.id)) ?? 0) % count;
}
