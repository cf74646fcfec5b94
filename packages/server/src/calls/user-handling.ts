import { settingsForCall } from '../call-handling/service.js';
import type { ForwardTarget } from '../call-handling/settings.js';
import { reachableContacts, userById } from '../sip-users/call-targets.js';
import type { DialOptions, OutboundCall } from '../telephony/backend.js';
import type { SessionDeps, SessionTools } from './call-session.js';
import type { HangupReason } from './hangup-reason.js';
import type { TransferTargets } from './leg-transfer.js';
import { userCallsInProgress } from './user-busy.js';
import { placeUserLeg } from './user-leg.js';
import type { Reach } from './user-reach.js';

/**
 * The most forwards one call follows (A forwards to B, B to C...): a chain this long is a
 * misconfiguration, and a chain that comes back to a user already tried is a loop; either ends the call
 * with 482 and `hangup_reason.code` `forward_loop` naming the chain.
 */
export const MAX_FORWARDS = 5;

/** Everything a call to a SIP user needs to be planned. */
export interface ReachContext {
  deps: SessionDeps;
  engine: SessionTools;
  dial: (o: DialOptions) => OutboundCall;
  accountId: string;
  /** What the called phones show as From (the caller's number, or the calling user's extension). */
  from: string;
  /** The account's number the call came in on, if it did: the caller ID of a forward to a number when the user has none. */
  calledNumber?: string | undefined;
  /** How long the phones ring when no `forward_no_answer` sets it (the route's, or the extension default). */
  ringSeconds: number;
  /** Where a user who answers may transfer the caller (REFER). */
  transfer?: TransferTargets | undefined;
}

function refuse(status: 480 | 482 | 486, reason: HangupReason): Reach {
  return { kind: 'refuse', status, reason };
}

/**
 * How a call reaches SIP user `userId`, after their call handling (the CallHandling schema's order):
 * forward always, do-not-disturb, not registered, every phone busy, then their phones ring with forwards
 * on busy and no answer. `path` is the users this call was already forwarded from (loop detection).
 */
export async function reachUser(ctx: ReachContext, userId: string, path: readonly string[] = []): Promise<Reach> {
  if (path.includes(userId) || path.length > MAX_FORWARDS) {
    const chain = [...path, userId].join(' -> ');
    const why = path.includes(userId) ? `call forwarding loops back to a SIP user already tried (${chain})` : `more than ${MAX_FORWARDS} call forwards (${chain})`;
    return refuse(482, { code: 'forward_loop', message: why });
  }
  const user = await userById(ctx.deps.db, ctx.accountId, userId);
  if (!user?.enabled) {
    return refuse(480, { code: 'no_answer', message: `the call goes to SIP user ${userId}, which ${user ? 'is disabled' : 'no longer exists'}` });
  }
  const s = await settingsForCall(ctx.deps, ctx.accountId, userId);
  const here = [...path, userId];
  const { extension } = user;
  const to = (target: ForwardTarget, greeting: 'unavailable' | 'busy') => reachTarget(ctx, user.callerId, target, greeting, here);
  if (s.forward_always) return to(s.forward_always, 'unavailable');
  if (s.do_not_disturb) {
    return s.forward_busy ? to(s.forward_busy, 'busy') : refuse(486, { code: 'busy', message: `extension ${extension} is on do-not-disturb` });
  }
  const contacts = await reachableContacts(ctx.deps, userId);
  if (contacts.length === 0 && s.forward_not_registered) return to(s.forward_not_registered, 'unavailable');
  if (contacts.length > 0 && s.forward_busy && (await userCallsInProgress(ctx.deps.db, ctx.accountId, extension)) >= contacts.length) {
    return to(s.forward_busy, 'busy');
  }
  const { forward_busy: onBusy, forward_no_answer: onNoAnswer } = s;
  return {
    kind: 'ring',
    legs: { placeLeg: (input) => placeUserLeg(ctx.deps, ctx.dial, { ...input, from: ctx.from, userId, extension }) },
    verb: { verb: 'dial', to: extension, caller_id: ctx.from, timeout_seconds: onNoAnswer ? s.no_answer_seconds : ctx.ringSeconds },
    transfer: ctx.transfer,
    async next(result) {
      if (result.status === 'busy') return onBusy ? to(onBusy, 'busy') : undefined;
      return onNoAnswer ? to(onNoAnswer, 'unavailable') : undefined;
    },
  };
}

/** One forward's target as a plan: another user (their handling applies), a number out through the carrier, or a box. */
async function reachTarget(ctx: ReachContext, userCallerId: string | null, target: ForwardTarget, greeting: 'unavailable' | 'busy', path: readonly string[]): Promise<Reach> {
  if (target.type === 'sip_user') return reachUser(ctx, target.sip_user_id, path);
  if (target.type === 'voicemail_box') return { kind: 'voicemail', boxId: target.voicemail_box_id, greeting };
  // A forward out shows a number the account holds (terms 5.3), as a user's own calls out do.
  const callerId = userCallerId ?? ctx.calledNumber;
  if (!callerId) {
    return refuse(480, { code: 'no_answer', message: `the call is forwarded to ${target.number}, but the forwarding SIP user has no caller_id to show` });
  }
  if (!ctx.engine.legs) return refuse(480, { code: 'no_answer', message: 'the call is forwarded to a number, but this server places no outbound calls' });
  return { kind: 'ring', legs: ctx.engine.legs, verb: { verb: 'dial', to: target.number, caller_id: callerId, timeout_seconds: ctx.ringSeconds } };
}
