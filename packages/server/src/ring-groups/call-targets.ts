import type { Db } from '../store/db.js';
import { findRingGroup, findRingGroupByExtension, takeRoundRobinStart } from './store.js';
import { type RingGroup, toRingGroup } from './views.js';

/** The account's group `id` as a call rings it, or undefined: never another account's. The calls domain reads groups through here. */
export async function ringGroupById(db: Db, accountId: string, id: string): Promise<RingGroup | undefined> {
  const row = await findRingGroup(db, accountId, id);
  return row && toRingGroup(row);
}

/** The id of the account's group a phone of the account dials by `extension`, or undefined. */
export async function ringGroupIdByExtension(db: Db, accountId: string, extension: string): Promise<string | undefined> {
  return (await findRingGroupByExtension(db, accountId, extension))?.id;
}

/**
 * The member index a round-robin call starts with, modulo `count`; the group's cursor moves on
 * atomically (store.ts), so concurrent calls on several processes each get their own.
 */
export async function roundRobinStart(db: Db, group: RingGroup, count: number): Promise<number> {
  return ((await takeRoundRobinStart(db, group.account_id, group.id)) ?? 0) % count;
}
