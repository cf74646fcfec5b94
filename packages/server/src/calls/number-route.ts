import type { NumberRoute } from '../numbers/phone-number.js';
import type { DialOptions, InboundCall, InboundOffer, OutboundCall } from '../telephony/backend.js';
import type { SessionDeps, SessionTools } from './call-session.js';
import { routeToPbx } from './pbx-route.js';
import type { CallRow } from './store.js';
import { routeToUser } from './user-route.js';

/**
 * An inbound call to a number with a `route`, by its type: a SIP user (user-route.ts), or a ring group
 * or voicemail box (pbx-route.ts). `callerId` is what a fallback to a number out through the carrier
 * shows (a calling SIP user's caller ID; else the called number).
 */
export async function routeNumberCall(
  deps: SessionDeps,
  engine: SessionTools,
  dial: ((o: DialOptions) => OutboundCall) | undefined,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  route: NumberRoute,
  callerId?: string | null,
): Promise<void> {
  if (route.type === 'sip_user') return routeToUser(deps, engine, dial, call, offer, row, route);
  return routeToPbx(deps, engine, dial, call, offer, row, route, callerId);
}
