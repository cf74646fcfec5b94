import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import { recordEvent } from '../events/outbox.js';
import { reachableContacts, type UserContact } from '../sip-users/call-targets.js';
import type { DialOptions, OutboundCall } from '../telephony/backend.js';
import { toCall } from './call.js';
import type { PlacedLeg } from './dial-leg.js';
import { forkCall } from './fork-call.js';
import { dialFailureReason } from './hangup-reason.js';
import { newCallRow } from './new-call-row.js';
import { insertCall } from './store.js';

export interface UserLegInput {
  accountId: string;
  /** The calling user's extension (or username): the From user part the called phone shows. */
  from: string;
  /** The called user and their extension (the leg's `to`); several users ring at once (a ring group). */
  userId: string | string[];
  extension: string;
  /** Told which user's device answered. */
  onAnswer?: (userId: string) => void;
  ringTimeoutMs: number;
  parentCallId: string;
}

/**
 * The leg of a call to a SIP user: its call row (`queued`, `call.initiated`, `parent_call_id` the caller's
 * call) and one INVITE to each registered device of the user at once (forkCall), each sent to the address
 * its REGISTER came from, so a phone behind NAT is reached through the mapping it opened (RFC 3581).
 */
export async function placeUserLeg(deps: Pick<Deps, 'db' | 'clock' | 'node'>, dial: (o: DialOptions) => OutboundCall, input: UserLegInput): Promise<PlacedLeg> {
  const userIds = Array.isArray(input.userId) ? input.userId : [input.userId];
  const contacts: Array<UserContact & { userId: string }> = [];
  for (const userId of userIds) for (const c of await reachableContacts(deps, userId)) contacts.push({ ...c, userId });
  const now = deps.clock.now();
  const sipCallId = `${randomBytes(12).toString('hex')}@prolope`;
  const row = newCallRow(
    {
      direction: 'outbound',
      accountId: input.accountId,
      from: input.from,
      to: input.extension,
      sipCallId,
      sipTrunkId: null,
      phoneNumberId: null,
      parentCallId: input.parentCallId,
      ownerUrl: deps.node?.url,
      nodeId: deps.node?.id,
    },
    now,
  );
  await deps.db.transaction().execute(async (tx) => {
    await insertCall(tx, row);
    await recordEvent(tx, { accountId: input.accountId, type: 'call.initiated', object: toCall(row), at: now });
  });
  // Each device is a dialog of its own, so each INVITE has its own Call-ID; the row keeps the first.
  const branches: DialOptions[] = contacts.map((c, i) => ({
    callId: i === 0 ? sipCallId : `${i}-${sipCallId}`,
    requestUri: c.contact,
    destination: c.source,
    fromUser: input.from,
    ringTimeoutMs: input.ringTimeoutMs,
  }));
  const onAnswer = input.onAnswer;
  const call = forkCall(dial, branches, onAnswer && ((i) => onAnswer((contacts[i] as (typeof contacts)[number]).userId)));
  const peer = `extension ${input.extension}`;
  return {
    row,
    call,
    release: () => {},
    failureReason: (f) =>
      branches.length === 0
        ? { code: 'no_answer', message: `${peer} has no registered device (nothing to ring)` }
        : dialFailureReason(f, { peer, hadCredentials: false, ringTimeoutS: Math.round(input.ringTimeoutMs / 1000), tried: 1 }),
  };
}
