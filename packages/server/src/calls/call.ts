import type { Schema } from '../http/contract.js';
import type { CallRow } from './store.js';

/** The call as the API shows it (the CDR once it has ended). */
export function toCall(row: CallRow): Call {
  return {
    id: row.id,
    object: 'call',
    account_id: row.account_id,
    direction: row.direction as Call['direction'],
    from: row.from,
    to: row.to,
    status: row.status as Call['status'],
    sip_call_id: row.sip_call_id,
    sip_trunk_id: row.sip_trunk_id,
    phone_number_id: row.phone_number_id,
    sip_code: row.sip_code,
    hangup_by: row.hangup_by as Call['hangup_by'],
    hangup_cause: row.hangup_cause as Call['hangup_cause'],
    hangup_reason:
      row.hangup_reason_code === null
        ? null
        : { code: row.hangup_reason_code as NonNullable<Call['hangup_reason']>['code'], message: row.hangup_reason_message ?? '' },
    answered_at: row.answered_at,
    ended_at: row.ended_at,
    duration_seconds: row.duration_seconds,
    created_at: row.created_at,
    updated_at: row.updated_at,
    parent_call_id: row.parent_call_id,
    routing: row.routing === null ? null : (JSON.parse(row.routing) as Call['routing']),
    flow: row.flow === null || row.flow === undefined ? null : (JSON.parse(row.flow) as Call['flow']),
  };
}

export type Call = Schema<'Call'>;

/** Billable seconds run from answer to end, rounded up (a started second counts, as carriers bill). */
export function durationSeconds(answeredAt: string | null, endedAt: Date): number {
  if (!answeredAt) return 0;
  return Math.max(0, Math.ceil((endedAt.getTime() - new Date(answeredAt).getTime()) / 1000));
}
