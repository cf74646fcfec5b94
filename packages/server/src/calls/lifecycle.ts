import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { recordEvent } from '../events/outbox.js';
import type { EventMap } from '../http/contract.js';
import { newCallRow } from './new-call-row.js';
import type { CallEnd, DialFailure } from '../telephony/backend.js';
import { durationSeconds, toCall } from './call.js';
import { endReason, type HangupReason } from './hangup-reason.js';
import { type CallRow, insertCall, updateCallRow } from './store.js';

// Each change of a call's state is one transaction with its event, like every other state change.

export interface NewInboundCall {
  accountId: string;
  from: string;
  to: string;
  sipCallId: string;
  trunkId: string | null;
  numberId: string | null;
  /** The API address of the process carrying the call. */
  ownerUrl?: string | undefined;
  /** The node holding the call (PROLOPE_NODE_ID), with PostgreSQL. */
  nodeId?: string | undefined;
}

export async function openInboundCall(deps: Pick<Deps, 'db' | 'clock'>, input: NewInboundCall): Promise<CallRow> {
  const now = deps.clock.now();
  const row = newCallRow(
    {
      direction: 'inbound',
      accountId: input.accountId,
      from: input.from,
      to: input.to,
      sipCallId: input.sipCallId,
      sipTrunkId: input.trunkId,
      phoneNumberId: input.numberId,
      ownerUrl: input.ownerUrl,
      nodeId: input.nodeId,
    },
    now,
  );
  await deps.db.transaction().execute(async (tx) => {
    await insertCall(tx, row);
    await recordEvent(tx, { accountId: row.account_id, type: 'call.initiated', object: toCall(row), at: now });
  });
  return row;
}

export async function markEarlyMedia(deps: Pick<Deps, 'db' | 'clock'>, row: CallRow): Promise<CallRow> {
  const next = { ...row, status: 'early_media', sip_code: 183, updated_at: iso(deps.clock.now()) };
  await deps.db.transaction().execute((tx) => updateCallRow(tx, row.id, { status: next.status, sip_code: 183, updated_at: next.updated_at }));
  return next;
}

export async function markAnswered(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, row: CallRow): Promise<CallRow> {
  const now = deps.clock.now();
  const next = { ...row, status: 'in_progress', sip_code: 200, answered_at: iso(now), updated_at: iso(now) };
  await deps.db.transaction().execute(async (tx) => {
    await updateCallRow(tx, row.id, { status: next.status, sip_code: 200, answered_at: next.answered_at, updated_at: next.updated_at });
    return recordEvent(tx, { accountId: row.account_id, type: 'call.answered', object: toCall(next), at: now });
  });
  return next;
}

/** The status a call ends in, from how it ended and whether it was answered. */
export function finalStatus(row: Pick<CallRow, 'answered_at'>, end: CallEnd): string {
  if (row.answered_at) return 'completed';
  // Status codes first: an outbound call we cancel at its ring timeout (408) did not answer.
  if (end.sipCode === 486) return 'busy';
  if (end.sipCode === 480 || end.sipCode === 408) return 'no_answer';
  if (end.cause === 'canceled') return 'canceled';
  return 'failed';
}

/** Writes the CDR and `call.completed`; `reason` words why (else it is read from `end`). */
export async function endCall(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, row: CallRow, end: CallEnd, reason?: HangupReason): Promise<CallRow> {
  const now = deps.clock.now();
  const why = reason ?? endReason(end, row.answered_at !== null);
  const next: CallRow = {
    ...row,
    status: finalStatus(row, end),
    sip_code: end.sipCode ?? row.sip_code,
    hangup_by: end.by,
    hangup_cause: end.cause,
    hangup_reason_code: why.code,
    hangup_reason_message: why.message,
    ended_at: iso(now),
    duration_seconds: durationSeconds(row.answered_at, now),
    updated_at: iso(now),
  };
  await deps.db.transaction().execute(async (tx) => {
    const { id: _id, ...patch } = next;
    await updateCallRow(tx, row.id, patch);
    return recordEvent(tx, { accountId: row.account_id, type: 'call.completed', object: toCall(next), at: now });
  });
  return next;
}

/** Stores the IVR flow a live call runs and its path so far (the API's CallFlow as JSON), so `GET /v1/calls/{id}` shows it before the CDR. */
export async function saveCallFlow(deps: Pick<Deps, 'db'>, callId: string, flow: string): Promise<void> {
  await deps.db.transaction().execute((tx) => updateCallRow(tx, callId, { flow }));
}

/** Records an event about the call as it stands (`call.dtmf`, `call.gather.completed`), with its extra data fields. */
export type CallEventType =
  | 'call.dtmf'
  | 'call.gather.completed'
  | 'call.conference.joined'
  | 'call.conference.left'
  | 'call.transferred'
  | 'flow.node.entered';
export type CallEventData<T extends CallEventType> = Omit<EventMap[T]['data'], 'object'>;

export async function recordCallEvent<T extends CallEventType>(deps: Pick<Deps, 'db' | 'clock'>, row: CallRow, type: T, data: CallEventData<T>): Promise<void> {
  const at = deps.clock.now();
  await deps.db.transaction().execute((tx) => recordEvent(tx, { accountId: row.account_id, type, object: toCall(row), data, at }));
}

/** `ringing` with `call.ringing` on the first 180/183 from the far end. */
export async function markRinging(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, row: CallRow, status: number): Promise<CallRow> {
  const now = deps.clock.now();
  const next = { ...row, status: 'ringing', sip_code: status, updated_at: iso(now) };
  await deps.db.transaction().execute(async (tx) => {
    await updateCallRow(tx, row.id, { status: next.status, sip_code: status, updated_at: next.updated_at });
    return recordEvent(tx, { accountId: row.account_id, type: 'call.ringing', object: toCall(next), at: now });
  });
  return next;
}

/** How a failed INVITE ends the call: busy (486), no_answer (480, 408, our ring timeout), canceled (our CANCEL), else failed. */
export function failureEnd(failure: DialFailure): CallEnd {
  if (failure.status === 487) return { by: 'caller', cause: 'canceled', sipCode: 487 };
  if (failure.local) return { by: 'system', cause: failure.status === 408 ? 'canceled' : 'error', sipCode: failure.status };
  return { by: 'callee', cause: 'rejected', sipCode: failure.status };
}
