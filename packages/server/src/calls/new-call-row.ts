import { iso } from '../clock.js';
import { newId } from '../ids.js';
import type { CallRow } from './store.js';

/** What a new call's row takes from its caller; every other column starts empty. */
export interface NewCallRowInput {
  direction: 'inbound' | 'outbound';
  accountId: string;
  from: string;
  to: string;
  sipCallId: string;
  sipTrunkId: string | null;
  phoneNumberId: string | null;
  parentCallId?: string | null | undefined;
  statusCallback?: { url: string; events: string[] } | undefined;
  /** The API address of the process carrying the call (live actions are forwarded there). */
  ownerUrl?: string | undefined;
  /** The node holding the call (PROLOPE_NODE_ID), with PostgreSQL. */
  nodeId?: string | undefined;
}

/**
 * The row of a call that has just begun, inbound or outbound. One constructor, so a column added to
 * `calls` is given its starting value once rather than in each place that opens a call.
 */
export function newCallRow(input: NewCallRowInput, now: Date): CallRow {
  return {
    id: newId('call', now),
    account_id: input.accountId,
    direction: input.direction,
    from: input.from,
    to: input.to,
    // An INVITE that reached us is already ringing here; an outbound call waits until it is dialled.
    status: input.direction === 'inbound' ? 'ringing' : 'queued',
    sip_call_id: input.sipCallId,
    sip_trunk_id: input.sipTrunkId,
    phone_number_id: input.phoneNumberId,
    sip_code: null,
    hangup_by: null,
    hangup_cause: null,
    answered_at: null,
    ended_at: null,
    duration_seconds: null,
    created_at: iso(now),
    updated_at: iso(now),
    parent_call_id: input.parentCallId ?? null,
    status_callback_url: input.statusCallback?.url ?? null,
    status_callback_events: input.statusCallback ? JSON.stringify(input.statusCallback.events) : null,
    owner_url: input.ownerUrl ?? null,
    node_id: input.nodeId ?? null,
    hangup_reason_code: null,
    hangup_reason_message: null,
    routing: null,
    flow: null,
  };
}
