import type { Schema } from '../http/contract.js';
import { MAX_FALLBACK_HOPS } from '../ring-groups/fallback-chain.js';
import type { RingGroupFallback } from '../ring-groups/views.js';
import type { AnsweringMedia, DialOptions, InboundCall, InboundOffer, OutboundCall } from '../telephony/backend.js';
import { dialParent, LEG_TAKEN, refuseUnanswered, ringingCaller } from './bridged-call.js';
import type { CallSession, SessionDeps, SessionTools } from './call-session.js';
import { dialLeg } from './dial-leg.js';
import { ringGroup } from './ring-group-ring.js';
import type { CallRow } from './store.js';

type CallRouting = Schema<'CallRouting'>;

/** A number's route (or an extension) that Prolope's PBX answers: a ring group or a voicemail box. */
export type PbxRoute = { type: 'ring_group'; ring_group_id: string } | { type: 'voicemail_box'; voicemail_box_id: string };

/**
 * A call to a ring group or a voicemail box, the caller's row open: the caller hears ringback (183)
 * while the group rings, is answered (200) and bridged when a member answers, and otherwise follows
 * the group's fallback: a voicemail box (answered, greeting, beep, message), another group (its own
 * fallback next, at most MAX_FALLBACK_HOPS groups per call), or a number called out through the
 * carrier with `callerId` (else the called number) as caller ID; no fallback is 480 (486 when a member
 * was busy). The caller's CDR gets `routing`: the group, the member who answered, the fallback taken.
 * Without `dial` (no registrar on this backend) no member can ring and the fallback is taken at once.
 */
export async function routeToPbx(
  deps: SessionDeps,
  engine: SessionTools,
  dial: ((o: DialOptions) => OutboundCall) | undefined,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  route: PbxRoute,
  callerId?: string | null,
): Promise<void> {
  const ringing = await ringingCaller(deps, engine, call, offer, row);
  if (!ringing) return;
  const { session } = ringing;
  const routing: CallRouting = { ring_group_id: route.type === 'ring_group' ? route.ring_group_id : null, answered_by_sip_user_id: null, fallback: null };
  // Kept on the session's row, so the CDR written at the end (endCall) carries it.
  const note = (change: Partial<CallRouting>) => {
    Object.assign(routing, change);
    session.row = { ...session.row, routing: JSON.stringify(routing) };
  };
  note({});
  const parent = dialParent(deps, engine, ringing, undefined, undefined, call);
  try {
    let target: RingGroupFallback | null = route;
    let busy = false;
    for (let groups = 0; target; ) {
      if (target.type === 'voicemail_box') return await takeMessage(session, ringing.answering, target.voicemail_box_id);
      if (target.type === 'number') {
        const legs = engine.legs;
        const result = legs ? await dialLeg(deps, legs, parent, { verb: 'dial', to: target.number, ...(callerId ? { caller_id: callerId } : {}) }) : undefined;
        if (session.ended) return await session.ended;
        if (result?.status === 'completed') return await session.hangup(parent.legTaken() ? LEG_TAKEN : undefined);
        busy = result?.status === 'busy';
        break;
      }
      if (++groups > MAX_FALLBACK_HOPS) {
        engine.log.warn({ callId: row.id, groupId: target.ring_group_id }, 'ring group: fallback chain too long; the caller gets 480');
        break;
      }
      const rang = await ringGroup(deps, dial, parent, target.ring_group_id, (userId) => note({ answered_by_sip_user_id: userId }));
      if (session.ended) return await session.ended;
      if (rang.status === 'completed') return await session.hangup(parent.legTaken() ? LEG_TAKEN : undefined);
      busy = rang.status === 'busy';
      target = rang.group?.fallback ?? null;
      if (target) note({ fallback: target });
    }
    await refuseUnanswered(call, session, busy);
  } catch (err) {
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: call.callId }, 'ring group call failed');
    await call.hangup().catch(() => {});
    await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}

/** Answers the caller and takes a message for the box (the `voicemail` verb), then hangs up. */
async function takeMessage(session: CallSession, answering: AnsweringMedia, boxId: string): Promise<void> {
  await answering.answer();
  if (session.ended) return await session.ended;
  await session.answered();
  await session.run([{ verb: 'voicemail', box_id: boxId }], undefined);
}
