import type { AnsweringMedia, CallEnd, InboundCall, InboundOffer } from '../telephony/backend.js';
import type { DialResult } from '../telephony/verbs/verb-host.js';
import { CallSession, type SessionDeps, type SessionTools } from './call-session.js';
import { type DialParent, dialLeg } from './dial-leg.js';
import type { TransferTargets } from './leg-transfer.js';
import { endCall, markEarlyMedia } from './lifecycle.js';
import type { HangupReason } from './hangup-reason.js';
import type { CallRow } from './store.js';
import type { Reach } from './user-reach.js';

const REASON_PHRASE = { 480: 'Temporarily Unavailable', 482: 'Loop Detected', 486: 'Busy Here' } as const;

/** The CDR of a caller whose leg a Replaces took (attended transfer): Prolope's BYE, and why. */
export const LEG_TAKEN: HangupReason = {
  code: 'normal_clearing',
  message: 'the other party was joined with another call (attended transfer, Replaces): this call was replaced',
};

/**
 * Opens the media of a caller's call whose row is open; when it cannot be opened the caller gets 500
 * (or the CANCEL that came meanwhile ends it) and the row ends too: undefined then.
 */
export async function openCallerMedia(
  deps: SessionDeps,
  engine: SessionTools,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  what: string,
): Promise<AnsweringMedia | undefined> {
  let endedEarly: CallEnd | undefined;
  call.onEnd((end) => {
    endedEarly ??= end;
  });
  try {
    return await offer.open();
  } catch (err) {
    engine.log.error({ err, callId: call.callId }, `${what}: media could not be opened`);
    if (endedEarly) {
      await endCall(deps, row, endedEarly);
      return undefined;
    }
    await call.reject(500).catch(() => {});
    await endCall(
      deps,
      row,
      { by: 'system', cause: 'error', sipCode: 500 },
      { code: 'media_unavailable', message: 'the call’s media could not be opened on this server' },
    );
    return undefined;
  }
}

/**
 * The caller's side before anyone answers: media opened, early media (183) sent, the session ready to
 * bridge or to run verbs. Undefined when the call ended meanwhile (the CDR is written then).
 */
export async function ringingCaller(
  deps: SessionDeps,
  engine: SessionTools,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
): Promise<{ session: CallSession; answering: AnsweringMedia } | undefined> {
  const answering = await openCallerMedia(deps, engine, call, offer, row, 'user call');
  if (!answering) return undefined;
  const { media } = answering;
  const session = new CallSession({ deps, engine, row, media, sip: call, us: 'callee', reportDigits: false, hold: answering.hold });
  try {
    await answering.progress();
    session.row = await markEarlyMedia(deps, session.row);
  } catch (err) {
    if (!session.ended) {
      engine.log.error({ err, callId: call.callId }, 'user call failed');
      await call.hangup().catch(() => {});
      await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
    }
  }
  if (session.ended) return void (await session.ended);
  return { session, answering };
}

/**
 * The ringing caller's parent side for a `dial` leg: answered (200) only once the leg answers. With the
 * caller's SIP side given, its bridge may be named by a Replaces (attended transfer, RFC 3891).
 */
export function dialParent(
  deps: SessionDeps,
  engine: SessionTools,
  ringing: { session: CallSession; answering: AnsweringMedia },
  afterAnswer?: () => void,
  transfer?: TransferTargets,
  call?: InboundCall,
): DialParent & { legTaken(): boolean } {
  const { session, answering } = ringing;
  const dialog = call?.localTag !== undefined && call.remoteTag !== undefined ? { callId: call.callId, localTag: call.localTag, remoteTag: call.remoteTag } : undefined;
  let taken = false;
  return {
    onLegTaken: () => {
      taken = true;
    },
    legTaken: () => taken,
    bridges: deps.bridges,
    dialog,
    row: session.row,
    media: answering.media,
    log: engine.log,
    signal: session.signal,
    onAnswered: async () => {
      await answering.answer();
      afterAnswer?.();
      await session.answered();
    },
    hold: answering.hold,
    prompts: deps.prompts?.(session.row.account_id),
    transfer,
  };
}

/**
 * Ends a ringing caller nobody answered: with a plan's refusal (its status and reason) when there is one,
 * else 486 when the last leg was busy, else 480.
 */
export async function refuseUnanswered(call: InboundCall, session: CallSession, busy: boolean, refusal?: Extract<Reach, { kind: 'refuse' }>): Promise<void> {
  const status = refusal?.status ?? (busy ? 486 : 480);
  await call.reject(status, REASON_PHRASE[status], refusal && { Warning: `399 prolope "${refusal.reason.message}"` });
  await session.finish({ by: 'callee', cause: 'rejected', sipCode: status }, refusal?.reason);
}

/**
 * The caller's side of a call bridged to a leg that rings first (a SIP user's devices): early media
 * (ringback) while the leg rings, the 200 once the leg answers, then the bridge until either hangs up; the
 * caller's row is open already. A leg that does not answer goes on where the plan says (a forward: another
 * leg rings while the caller still hears ringback, or a voicemail box answers), else it is the caller's
 * final failure: 486 when busy, else 480. A plan that refuses from the start sends its status at once.
 */
export async function bridgeCaller(
  deps: SessionDeps,
  engine: SessionTools,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  plan: Reach,
): Promise<void> {
  if (plan.kind === 'refuse') {
    await call.reject(plan.status, REASON_PHRASE[plan.status], { Warning: `399 prolope "${plan.reason.message}"` });
    await endCall(deps, row, { by: 'callee', cause: 'rejected', sipCode: plan.status }, plan.reason);
    return;
  }
  const ringing = await ringingCaller(deps, engine, call, offer, row);
  if (!ringing) return;
  const { session, answering } = ringing;
  try {
    let step: Reach | undefined = plan;
    let last: DialResult | undefined;
    while (step?.kind === 'ring') {
      const parent = dialParent(deps, engine, ringing, undefined, step.transfer, call);
      last = await dialLeg(deps, step.legs, parent, step.verb);
      if (session.ended) return await session.ended;
      if (last.status === 'completed') {
        // The callee hung up (or the time limit passed, or a Replaces took the leg): BYE to the caller.
        await session.hangup(parent.legTaken() ? LEG_TAKEN : undefined);
        return;
      }
      step = await step.next?.(last);
      if (session.ended) return await session.ended;
    }
    if (step?.kind === 'voicemail') {
      // A forward to a box: the caller is answered by it and leaves a message.
      await answering.answer();
      await session.answered();
      if (session.ended) return await session.ended;
      await session.run([{ verb: 'voicemail', box_id: step.boxId, greeting: step.greeting }], undefined);
      return;
    }
    await refuseUnanswered(call, session, last?.status === 'busy', step?.kind === 'refuse' ? step : undefined);
  } catch (err) {
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: call.callId }, 'user call failed');
    await call.hangup().catch(() => {});
    await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}
