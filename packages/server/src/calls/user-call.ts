import { schemaDefaults } from '../http/contract.js';
import { assignedNumber } from '../numbers/service.js';
import { ringGroupIdByExtension } from '../ring-groups/call-targets.js';
import { callingUser, type CallingUser, userByExtension } from '../sip-users/call-targets.js';
import type { DialOptions, InboundCall, InboundOffer, OutboundCall } from '../telephony/backend.js';
import { bridgeCaller } from './bridged-call.js';
import { type InboundDeps, type InboundTools, runCall, standingRefusal } from './inbound.js';
import { endCall, openInboundCall } from './lifecycle.js';
import { sipUriHostPort } from './outbound-route.js';
import type { CallRow } from './store.js';
import { routeNumberCall } from './number-route.js';
import { routeToPbx } from './pbx-route.js';
import { replaceCall } from './replace-call.js';
import { e164, userTransferTargets } from './transfer-targets.js';
import { reachUser } from './user-handling.js';
import { type Reach, ringOnly } from './user-reach.js';
import { runVoicemailMenu, VOICEMAIL_CODES } from './voicemail-menu-call.js';

/** What calls from SIP users need beyond an inbound call's deps. */
export interface UserCallOptions {
  /** PROLOPE_SIP_DOMAIN: an INVITE whose Request-URI host is `<slug>.<sipDomain>` comes from a user's phone. */
  sipDomain: string;
  /** The digest algorithms REGISTER offers (PROLOPE_SIP_REGISTER_DIGEST); the INVITE challenge offers the same. */
  algorithms: ReadonlyArray<'MD5' | 'SHA-256'>;
  /**
   * Places an INVITE to a device; undefined where the backend has no registrar (drachtio so far), and then
   * calls from users are refused with 501 and a reason instead of being taken for trunk calls.
   */
  dial: ((o: DialOptions) => OutboundCall) | undefined;
}

/** How long a called user's devices ring before the caller hears 480: as long as for a number routed to them. */
const USER_RING_SECONDS = schemaDefaults.SipUserRoute.ring_timeout;

/** The account SIP domain an INVITE is addressed to (its Request-URI host), or undefined when it is none. */
export function userRealmOf(requestUri: string, sipDomain: string): string | undefined {
  const host = sipUriHostPort(requestUri)?.host.toLowerCase();
  const parent = sipDomain.toLowerCase();
  return host?.endsWith(`.${parent}`) && host.length > parent.length + 1 ? host : undefined;
}

/**
 * An INVITE from a registered user's phone, as a B2BUA: digest on the user's credentials in their
 * account's domain (challenged like REGISTER; 403 on a wrong password), then by Request-URI user part:
 * an extension of the same account rings all of that user's devices (first answer wins), one of the
 * account's numbers runs as an inbound call to it, any other E.164 number goes out through the carrier
 * with the user's caller ID; `*97` and `*98` reach the voicemail menu (voicemail-menu-call.ts). Media is anchored here and bridged (recordings hear it), and both legs are
 * calls with CDRs; the caller is answered only when the callee is (486/480 otherwise).
 */
export async function onUserInvite(
  deps: InboundDeps,
  engine: InboundTools,
  opts: UserCallOptions,
  realm: string,
  call: InboundCall,
  offer: InboundOffer,
): Promise<void> {
  const dial = opts.dial;
  // TODO(drachtio): serve REGISTER there too; until then no device of a user is known to ring.
  if (!dial)
    return call.reject(501, 'Not Implemented', { Warning: '399 prolope "calls from SIP users need the embedded SIP backend (PROLOPE_TELEPHONY=embedded)"' });
  const asUser = { realm, algorithms: opts.algorithms };
  if (!call.credentials || call.staleNonce) return call.challenge(asUser);
  const user = await callingUser(deps.db, realm, call.credentials.username);
  if (!user || !call.verifyDigest(user.ha1, realm)) {
    call.authFailed();
    return call.reject(403, 'Wrong credentials');
  }
  // RFC 3891: this phone takes the place of a dialog Prolope holds (an attended transfer done by phones).
  if (call.replaces) return replaceCall(deps, engine, call, offer, user, call.replaces, (row) => refused(deps, call, offer, row));
  const from = user.extension ?? user.username;
  const dialled = call.requestUser;
  const target = await userByExtension(deps.db, user.accountId, dialled);
  if (target) {
    if (!target.enabled) return call.reject(480, 'Temporarily Unavailable', { Warning: `399 prolope "extension ${dialled} is disabled"` });
    // The called user's forwarding and do-not-disturb apply (user-handling.ts); the caller is not forwarded back to.
    // The called user may send the caller on (REFER): their leg shows the caller as before.
    const transfer = userTransferTargets(deps, dial, engine.legs, user.accountId, { transferee: from, callerId: user.callerId });
    const plan = await reachUser({ deps, engine, dial, accountId: user.accountId, from, ringSeconds: USER_RING_SECONDS, transfer }, target.id, [user.id]);
    return bridged(deps, engine, call, offer, user, { from, to: dialled, plan });
  }
  if (dialled === VOICEMAIL_CODES.own || dialled === VOICEMAIL_CODES.any) {
    const row = await openInboundCall(deps, { accountId: user.accountId, from, to: dialled, sipCallId: call.callId, trunkId: null, numberId: null, ownerUrl: deps.node?.url, nodeId: deps.node?.id });
    if ((await refused(deps, call, offer, row)) || !offer.ok) return;
    return runVoicemailMenu(deps, engine, call, offer, row, user, dialled);
  }
  const groupId = await ringGroupIdByExtension(deps.db, user.accountId, dialled);
  if (groupId) {
    const row = await openInboundCall(deps, { accountId: user.accountId, from, to: dialled, sipCallId: call.callId, trunkId: null, numberId: null, ownerUrl: deps.node?.url, nodeId: deps.node?.id });
    if ((await refused(deps, call, offer, row)) || !offer.ok) return;
    return routeToPbx(deps, engine, dial, call, offer, row, { type: 'ring_group', ring_group_id: groupId }, user.callerId);
  }
  const number = e164(dialled);
  if (!number) return call.reject(404, 'Not Found', { Warning: `399 prolope "${dialled} is neither an extension of this account nor a phone number"` });
  const own = await assignedNumber(deps, number);
  if (own && own.account_id === user.accountId) {
    // Internal: the account's own number, handled as an inbound call to it (its voice application).
    const row = await openInboundCall(deps, {
      accountId: user.accountId,
      from: user.callerId ?? from,
      to: number,
      sipCallId: call.callId,
      trunkId: null,
      numberId: own.id,
      ownerUrl: deps.node?.url,
      nodeId: deps.node?.id,
    });
    if ((await refused(deps, call, offer, row)) || !offer.ok) return;
    if (own.route) return routeNumberCall(deps, engine, dial, call, offer, row, own.route, user.callerId);
    return runCall(deps, engine, call, row, offer, own);
  }
  if (!user.callerId) {
    return call.reject(403, 'Forbidden', {
      Warning: '399 prolope "this SIP user has no caller_id: set one of the account\'s numbers on the user to call numbers outside"',
    });
  }
  const legs = engine.legs;
  if (!legs) return call.reject(503, 'Service Unavailable', { Warning: '399 prolope "this server places no outbound calls (no carrier dialling)"' });
  return bridged(deps, engine, call, offer, user, {
    from: user.callerId,
    to: number,
    plan: ringOnly(legs, { verb: 'dial', to: number, caller_id: user.callerId, timeout_seconds: USER_RING_SECONDS }),
  });
}

/** Refuses the call for the account's standing or an unusable SDP offer, writing its CDR; true when it did. */
async function refused(deps: InboundDeps, call: InboundCall, offer: InboundOffer, row: CallRow): Promise<boolean> {
  const refusal = await standingRefusal(deps, row.account_id);
  if (refusal) {
    await call.reject(403, 'Forbidden', { Reason: `SIP;cause=403;text="${refusal}"` });
    await endCall(deps, row, { by: 'system', cause: 'rejected', sipCode: 403 }, { code: 'account_not_in_good_standing', message: refusal });
    return true;
  }
  if (!offer.ok) {
    await call.reject(offer.status, 'Not Acceptable Here', { Warning: `399 prolope "${offer.reason}"` });
    await endCall(
      deps,
      row,
      { by: 'system', cause: 'rejected', sipCode: offer.status },
      { code: 'media_incompatible', message: `the caller's SDP offer was refused: ${offer.reason}; Prolope requires PCMA at 20 ms (terms 5.2)` },
    );
    return true;
  }
  return false;
}

/** Opens the caller's row (no trunk, no number), refuses for standing or SDP, else bridges it to the leg. */
async function bridged(
  deps: InboundDeps,
  engine: InboundTools,
  call: InboundCall,
  offer: InboundOffer,
  user: CallingUser,
  plan: { from: string; to: string; plan: Reach },
): Promise<void> {
  const row = await openInboundCall(deps, { accountId: user.accountId, from: plan.from, to: plan.to, sipCallId: call.callId, trunkId: null, numberId: null, ownerUrl: deps.node?.url, nodeId: deps.node?.id });
  if ((await refused(deps, call, offer, row)) || !offer.ok) return;
  await bridgeCaller(deps, engine, call, offer, row, plan.plan);
}

/**
 * Every INVITE's first stop: one addressed to an account's SIP domain is a SIP user's call (above),
 * any other a trunk's call to a number (inbound.ts).
 */
export function inviteHandler(
  deps: InboundDeps,
  engine: InboundTools,
  users: UserCallOptions,
  trunkCalls: (call: InboundCall, offer: InboundOffer) => Promise<void>,
) {
  return async function onInvite(call: InboundCall, offer: InboundOffer): Promise<void> {
    const realm = userRealmOf(call.requestUri, users.sipDomain);
    if (realm) return onUserInvite(deps, engine, users, realm, call, offer);
    // Replaces is served for SIP users' phones (their account is known once they authenticate); a trunk's
    // INVITE naming a dialog is not taken for a new call to a number.
    if (call.replaces) return call.reject(481, 'Call/Transaction Does Not Exist', { Warning: '399 prolope "Replaces is served only for calls from SIP users\' phones"' });
    return trunkCalls(call, offer);
  };
}
