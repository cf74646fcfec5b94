import type { AnsweringMedia, CallEnd, InboundCall, InboundOffer } from '../telephony/backend.js';
import type { DialResult } from '../telephony/verbs/verb-host.js';
import { CallSession, type SessionDeps, type SessionTools } from './call-session.js';
import { dialLeg } from './dial-leg.js';
import { endCall, markEarlyMedia } from './lifecycle.js';
import type { CallRow } from './store.js';
import type { Reach } from './user-reach.js';

const REASON_PHRASE = { 480: 'Temporarily Unavailable', 482: 'Loop Detected', 486: 'Busy Here' } as const;

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
  let endedEarly: CallEnd | undefined;
  call.onEnd((end) => {
    endedEarly ??= end;
  });
  let answering: AnsweringMedia;
  try {
    answering = await offer.open();
  } catch (err) {
    engine.log.error({ err, callId: call.callId }, 'user call: media could not be opened');
    if (endedEarly) return void (await endCall(deps, row, endedEarly));
    await call.reject(500).catch(() => {});
    await endCall(
      deps,
      row,
      { by: 'system', cause: 'error', sipCode: 500 },
      { code: 'media_unavailable', message: 'the call’s media could not be opened on this server' },
    );
    return;
  }
  const { media } = answering;
  const session = new CallSession({ deps, engine, row, media, sip: call, us: 'callee', reportDigits: false, hold: answering.hold });
  try {
    await answering.progress();
    session.row = await markEarlyMedia(deps, session.row);
    if (session.ended) return await session.ended;
    const onAnswered = async () => {
      await answering.answer();
      await session.answered();
    };
    let step: Reach | undefined = plan;
    let last: DialResult | undefined;
    while (step?.kind === 'ring') {
      last = await dialLeg(deps, step.legs, { row: session.row, media, log: engine.log, signal: session.signal, onAnswered, hold: answering.hold, prompts: deps.prompts?.(row.account_id) }, step.verb);
      if (session.ended) return await session.ended;
      if (last.status === 'completed') {
        // The callee hung up (or the time limit passed): BYE to the caller.
        await session.hangup();
        return;
      }
      step = await step.next?.(last);
      if (session.ended) return await session.ended;
    }
    if (step?.kind === 'voicemail') {
      // A forward to a box: the caller is answered by it and leaves a message.
      await onAnswered();
      if (session.ended) return await session.ended;
      await session.run([{ verb: 'voicemail', box_id: step.boxId, greeting: step.greeting }], undefined);
      return;
    }
    const refusal = step?.kind === 'refuse' ? step : undefined;
    const status = refusal?.status ?? (last?.status === 'busy' ? 486 : 480);
    await call.reject(status, REASON_PHRASE[status], refusal && { Warning: `399 prolope "${refusal.reason.message}"` });
    await session.finish({ by: 'callee', cause: 'rejected', sipCode: status }, refusal?.reason);
  } catch (err) {
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: call.callId }, 'user call failed');
    await call.hangup().catch(() => {});
    await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}

