import type { Schema } from '../http/contract.js';
import type { RingGroupRow } from './store.js';

export type RingGroup = Schema<'RingGroup'>;
export type RingGroupMember = RingGroup['members'][number];
export type RingGroupFallback = NonNullable<RingGroup['fallback']>;

/** The group as the API shows it (the round-robin cursor stays inside). */
export function toRingGroup(row: RingGroupRow): RingGroup {
  return {
    id: row.id,
    object: 'ring_group' as const,
    account_id: row.account_id,
    name: row.name,
    extension: row.extension,
    strategy: row.strategy as RingGroup['strategy'],
    members: JSON.parse(row.members) as RingGroupMember[],
    timeout_seconds: row.timeout_seconds,
    fallback: row.fallback === null ? null : (JSON.parse(row.fallback) as RingGroupFallback),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
