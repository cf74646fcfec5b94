import { routeToFlow } from '../flows/live/index.js';
import type { NumberRoute } from '../numbers/phone-number.js';
import type { DirectRoute } from '../numbers/route-target.js';
import { scheduleOpenNow } from '../schedules/service.js';
import type { DialOptions, InboundCall, InboundOffer, OutboundCall } from '../telephony/backend.js';
import type { SessionDeps, SessionTools } from './call-session.js';
import { routeToPbx } from './pbx-route.js';
import type { CallRow } from './store.js';
import { routeToUser } from './user-route.js';

/**
 * An inbound call to a number with a `route`, by its type: a SIP user (user-route.ts), a ring group or
 * voicemail box (pbx-route.ts), an IVR flow (flows/live/), or a schedule, whose `open` or `closed` route is taken by the schedule
 * at this moment of the server's clock. `callerId` is what a fallback to a number out through the
 * carrier shows (a calling SIP user's caller ID; else the called number).
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
  let direct: DirectRoute;
  if (route.type === 'schedule') {
    // A schedule cannot be deleted while a number's route names it, so a missing one is a race with
    // that check; the caller then gets the closed route, as a business that has no hours.
    const open = await scheduleOpenNow(deps, row.account_id, route.schedule_id);
    direct = open ? route.open : route.closed;
    engine.log.info({ callId: row.id, scheduleId: route.schedule_id, open: open ?? null }, 'number route: schedule picked a route');
  } else {
    direct = route;
  }
  if (direct.type === 'sip_user') return routeToUser(deps, engine, dial, call, offer, row, direct);
  if (direct.type === 'flow') return routeToFlow(deps, engine, dial, call, offer, row, direct);
  return routeToPbx(deps, engine, dial, call, offer, row, direct, callerId);
}
