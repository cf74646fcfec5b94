import type { EffectResult, FlowEffect } from '@prolope/rules';
import type { SessionDeps } from '../../calls/call-session.js';
import { type DialLegs, type DialParent, dialLeg } from '../../calls/dial-leg.js';
import { ringGroup } from '../../calls/ring-group-ring.js';
import { placeUserLeg } from '../../calls/user-leg.js';
import { userById } from '../../sip-users/call-targets.js';
import type { DialOptions, OutboundCall } from '../../telephony/backend.js';

/** How an answered flow call reaches people: the registrar's dial (users, groups) and the carrier's legs (numbers, URIs). */
export interface FlowTransferTools {
  deps: SessionDeps;
  dial: ((o: DialOptions) => OutboundCall) | undefined;
  carrier: DialLegs | undefined;
  /** The answered caller as a dial's parent, built when the transfer starts (the row as it is then). */
  parent(): DialParent;
}

/**
 * A flow's `transfer` node with the calls domain's own dialling: a SIP user's devices ring like a
 * `sip_user` route's, a ring group by its strategy (its own fallback is not taken: the flow's `failure`
 * branch decides), a number or SIP URI as the `dial` verb places it. Connected means the target answered
 * and the bridge has ended since; the caller stays in the flow only when nobody answered.
 */
export async function flowTransfer(effect: Extract<FlowEffect, { kind: 'transfer' }>, t: FlowTransferTools): Promise<EffectResult> {
  const parent = t.parent();
  const timeout = effect.timeout_seconds === undefined ? {} : { timeout_seconds: effect.timeout_seconds };
  const to = effect.to;
  if (to.type === 'ring_group') {
    const rang = await ringGroup(t.deps, t.dial, parent, to.ring_group_id, () => {});
    return { kind: 'transfer', connected: rang.status === 'completed' };
  }
  if (to.type === 'sip_user') {
    const user = await userById(t.deps.db, parent.row.account_id, to.sip_user_id);
    const dial = t.dial;
    if (!user?.enabled || !dial) return { kind: 'transfer', connected: false };
    const legs: DialLegs = { placeLeg: (input) => placeUserLeg(t.deps, dial, { ...input, userId: user.id, extension: user.extension }) };
    const result = await dialLeg(t.deps, legs, parent, { verb: 'dial', to: user.extension, caller_id: parent.row.from, ...timeout });
    return { kind: 'transfer', connected: result.status === 'completed' };
  }
  if (!t.carrier) return { kind: 'transfer', connected: false };
  const result = await dialLeg(t.deps, t.carrier, parent, { verb: 'dial', to: to.type === 'number' ? to.number : to.uri, ...timeout });
  return { kind: 'transfer', connected: result.status === 'completed' };
}
