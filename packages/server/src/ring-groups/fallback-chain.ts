import { ProblemError } from '../errors.js';
import type { Db } from '../store/db.js';
import { findRingGroup } from './store.js';
import type { RingGroupFallback } from './views.js';

/**
 * How many groups one call may pass through, following fallbacks. Loops are refused when written
 * (below), so this only bounds a chain made loop-shaped by two updates racing each other: the call then
 * ends with 480 instead of ringing round for ever.
 */
export const MAX_FALLBACK_HOPS = 8;

export function fallbackLoop(groupId: string, path: string[]): ProblemError {
  return new ProblemError(
    'ring_group_fallback_loop',
    `This fallback would send unanswered calls round in a loop (${[groupId, ...path].join(' -> ')}). Point the last group of the chain at a voicemail box, a number or nothing.`,
    { param: '/body/fallback/ring_group_id' },
  );
}

/**
 * Refuses a fallback to another group whose own fallbacks lead back to `groupId` (A -> B -> A), or a
 * chain longer than a call would follow. `groupId` is undefined for a group being created: nothing can
 * fall back to it yet, so only the chain's length is checked.
 */
export async function checkFallbackChain(db: Db, accountId: string, groupId: string | undefined, fallback: RingGroupFallback | null): Promise<void> {
  const path: string[] = [];
  let next = fallback?.type === 'ring_group' ? fallback.ring_group_id : undefined;
  while (next) {
    path.push(next);
    if (next === groupId || path.length > MAX_FALLBACK_HOPS) throw fallbackLoop(groupId ?? 'this group', path);
    const row = await findRingGroup(db, accountId, next);
    const further = row?.fallback ? (JSON.parse(row.fallback) as RingGroupFallback) : null;
    next = further?.type === 'ring_group' ? further.ring_group_id : undefined;
  }
}
