import { schemaDefaults } from '../http/contract.js';
import { userById } from '../sip-users/call-targets.js';
import type { DialOptions, InboundCall, InboundOffer, OutboundCall } from '../telephony/backend.js';
import { bridgeCaller } from './bridged-call.js';
import type { SessionDeps, SessionTools } from './call-session.js';
import { endCall } from './lifecycle.js';
import type { CallRow } from './store.js';
import { userTransferTargets } from './transfer-targets.js';
import { reachUser } from './user-handling.js';

/** A number's route to a SIP user (the API's SipUserRoute, defaults filled in when stored). */
export interface SipUserRoute {
  type: 'sip_user';
  sip_user_id: string;
  ring_timeout?: number;
}

/**
 * An inbound call to a number routed to a SIP user (`route` on the number): every registered device of
 * the user rings, the caller hears ringback and is answered when one device answers, bridged in our media
 * plane. The leg shows the caller's number as From. The user's call handling (forwarding, do-not-disturb)
 * applies (user-handling.ts). Without `dial` (no registrar on this backend), or when
 * the user is gone or disabled, the caller gets 480 and the CDR says why.
 */
export async function routeToUser(
  deps: SessionDeps,
  engine: SessionTools,
  dial: ((o: DialOptions) => OutboundCall) | undefined,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  route: SipUserRoute,
): Promise<void> {
  const user = await userById(deps.db, row.account_id, route.sip_user_id);
  if (!dial || !user?.enabled) {
    const why = !dial
      ? 'calls to SIP users need the embedded SIP backend (PROLOPE_TELEPHONY=embedded)'
      : `the number routes to SIP user ${route.sip_user_id}, which ${user ? 'is disabled' : 'no longer exists'}`;
    await call.reject(480, 'Temporarily Unavailable', { Warning: `399 prolope "${why}"` });
    await endCall(deps, row, { by: 'system', cause: 'rejected', sipCode: 480 }, { code: 'no_answer', message: why });
    return;
  }
  const ringSeconds = route.ring_timeout ?? schemaDefaults.SipUserRoute.ring_timeout;
  // The user may send the caller on (REFER): another extension sees the caller's number, a number outside the one called.
  const transfer = userTransferTargets(deps, dial, engine.legs, row.account_id, { transferee: row.from, callerId: row.to });
  const plan = await reachUser({ deps, engine, dial, accountId: row.account_id, from: row.from, calledNumber: row.to, ringSeconds, transfer }, user.id);
  await bridgeCaller(deps, engine, call, offer, row, plan);
}
