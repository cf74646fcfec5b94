import { verbDefaults } from '../http/contract.js';
import type { CallingUser } from '../sip-users/call-targets.js';
import type { InboundCall, InboundOffer, ReplacesDialog } from '../telephony/backend.js';
import { dialParent, LEG_TAKEN, ringingCaller } from './bridged-call.js';
import { keepBridged } from './dial-leg.js';
import type { InboundDeps, InboundTools } from './inbound.js';
import { endCall, openInboundCall } from './lifecycle.js';

/** How long a leg taken this way may stay bridged: as long as any `dial` leg by default. */
const LIMIT_MS = verbDefaults.dial.time_limit_seconds * 1000;

/**
 * An INVITE with Replaces (RFC 3891) from a SIP user's phone: it takes the place of a caller's dialog
 * that Prolope holds bridged to an answered leg, in the same account. The phone is answered (200) and
 * bridged to that leg as it is, and the replaced caller gets BYE from its own bridge. A Replaces naming
 * no such dialog (none, an early one, another account's, one whose bridge ended) gets 481 and nothing
 * is written; the account's standing and the SDP are checked first like any call.
 */
export async function replaceCall(
  deps: InboundDeps,
  engine: InboundTools,
  call: InboundCall,
  offer: InboundOffer,
  user: CallingUser,
  replaces: ReplacesDialog,
  refused: (row: Awaited<ReturnType<typeof openInboundCall>>) => Promise<boolean>,
): Promise<void> {
  const notFound = () => call.reject(481, 'Call/Transaction Does Not Exist', { Warning: '399 prolope "the Replaces header names no call in progress of this account"' });
  const bridge = deps.bridges?.find(user.accountId, replaces);
  if (!bridge) return notFound();
  const from = user.extension ?? user.username;
  const row = await openInboundCall(deps, {
    accountId: user.accountId,
    from,
    to: call.requestUser,
    sipCallId: call.callId,
    trunkId: null,
    numberId: null,
    ownerUrl: deps.node?.url,
    nodeId: deps.node?.id,
  });
  if ((await refused(row)) || !offer.ok) return;
  const ringing = await ringingCaller(deps, engine, call, offer, row);
  if (!ringing) return;
  const { session, answering } = ringing;
  // Taken only now that our media is up: until then the replaced caller still talks to it.
  const taken = bridge.take();
  if (!taken) {
    // The bridge ended meanwhile (either side hung up): nothing left to replace.
    await notFound();
    await session.finish({ by: 'callee', cause: 'rejected', sipCode: 481 }, { code: 'rejected', message: 'the call the Replaces header named ended before it could be taken (481)' });
    return;
  }
  try {
    await answering.answer();
    await session.answered();
  } catch (err) {
    engine.log.warn({ err, callId: row.id }, 'replaces: the phone could not be answered; the taken leg is hung up');
    await taken.leg.call.hangup().catch(() => {});
    await taken.leg.media.close();
    await endCall(deps, taken.leg.row, { by: 'caller', cause: 'error' });
    taken.placed.release();
    if (!session.ended) await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
    return;
  }
  if (session.ended) {
    await taken.leg.call.hangup().catch(() => {});
    await taken.leg.media.close();
    await endCall(deps, taken.leg.row, { by: 'caller', cause: 'normal' });
    taken.placed.release();
    return await session.ended;
  }
  const parent = dialParent(deps, engine, ringing, undefined, undefined, call);
  const result = await keepBridged(deps, parent, { leg: taken.leg, placed: taken.placed }, { ringTimeoutMs: 0, limitMs: LIMIT_MS });
  if (session.ended) return await session.ended;
  if (result.status === 'completed') await session.hangup(parent.legTaken() ? LEG_TAKEN : undefined);
}
