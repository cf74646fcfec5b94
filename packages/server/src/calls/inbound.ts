import { toE164 } from '../contacts/phone.js';
import { verbDefaults } from '../http/contract.js';
import { assignedNumber, type PhoneNumber } from '../numbers/service.js';
import { type TrunkAuth, trunksForSource } from '../sip-trunks/service.js';
import type { AnsweringMedia, CallEnd, DialOptions, InboundCall, InboundOffer, OutboundCall } from '../telephony/backend.js';
import { firstInstructions, REJECT_STATUS } from '../telephony/verbs/interpreter.js';
import { endCall, markEarlyMedia, openInboundCall } from './lifecycle.js';
import type { CallRow } from './store.js';
import { CallSession, type SessionDeps, type SessionTools } from './call-session.js';
import { routeNumberCall } from './number-route.js';
import { callContext, voiceAppOf } from './voice-app.js';

/**
 * Places an INVITE to a registered device of a SIP user (a number routed to a user rings its devices);
 * undefined where the backend serves no REGISTER (drachtio so far).
 */
export type DeviceDial = ((o: DialOptions) => OutboundCall) | undefined;

/** Speech, logs and (for `dial`) placing legs; the media comes with each call's InboundOffer. */
export type InboundTools = SessionTools;

/** What the inbound flow reads and writes; `recordings` stores `record` audio (without it, audio is dropped). */
export type InboundDeps = SessionDeps;

/** A number given as dialled in a SIP URI user part, in E.164; undefined when it is not a number. */
function e164(user: string): string | undefined {
  try {
    return toE164(user, '');
  } catch {
    return undefined;
  }
}

/** Why the account may not take calls (its standing, terms 7.2 and 13.3), or undefined when it may. */
export async function standingRefusal(deps: InboundDeps, accountId: string): Promise<string | undefined> {
  // A parent's standing applies to its subaccounts (accounts are at most two levels deep).
  const account = await deps.db
    .selectFrom('accounts')
    .leftJoin('accounts as parent', 'parent.id', 'accounts.parent_account_id')
    .select(['accounts.status', 'parent.status as parent_status'])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst();
  const statuses = [account?.status, account?.parent_status];
  if (statuses.includes('terminated')) return 'Account terminated';
  if (statuses.includes('suspended')) return 'Account suspended for non-payment';
  return undefined;
}

const MEDIA_NOT_OPENED = {
  code: 'media_unavailable',
  message: 'the call’s media could not be opened on this server (the operator finds details in the server log)',
} as const;

// A number without a voice application answers with this, so a test call shows the line works.
export const DEFAULT_GREETING = 'Welcome to Prolope. This number has no voice application yet. Goodbye.';

/**
 * Authorizes an INVITE the way terms 5.3 require — source IP in a trunk's allowlist, A-number on that
 * trunk, then digest — and routes it, by the Request-URI's user part, to a number the trunk's account holds. Refusals carry the SIP
 * status the caller can act on: 403 for IP or caller ID, 401 to ask for credentials, 404 for an
 * unknown number, 488 for a codec other than PCMA at 20 ms.
 */
export function inboundHandler(deps: InboundDeps, engine: InboundTools, devices?: DeviceDial) {
  return async function onInvite(call: InboundCall, offer: InboundOffer): Promise<void> {
    const trunks = await trunksForSource(deps.db, call.source.address);
    if (trunks.length === 0) return call.reject(403, 'Source IP not authorized');
    const from = e164(call.fromUser);
    const byCaller = trunks.filter((t) => from !== undefined && t.allowedCallerIds.includes(from));
    if (byCaller.length === 0) return call.reject(403, 'Caller ID not authorized');
    // No credentials, or an answer to a challenge of ours that has since expired: challenge (again).
    if (!call.credentials || call.staleNonce) return call.challenge();
    // Usernames are unique per account, and the A-number already names the account (a number has one
    // holder); should two accounts' trunks still match, only the one whose password verifies is taken.
    const trunk: TrunkAuth | undefined = byCaller.filter((t) => t.username === call.credentials?.username).find((t) => call.verifyDigest(t.ha1));
    if (!trunk) {
      // A wrong password, an unknown username, a forged nonce or a replay: each counts towards a ban of the source.
      call.authFailed();
      return call.reject(403, 'Wrong credentials');
    }

    const to = e164(call.requestUser);
    const number = to ? await assignedNumber(deps, to) : undefined;
    if (!to || !number || number.account_id !== trunk.accountId) return call.reject(404, 'Not Found');
    // Terms 7.2 and 13.3: no calls for a suspended or terminated account; the reason is said (RFC 3326).
    const refusal = await standingRefusal(deps, trunk.accountId);

    const row: CallRow = await openInboundCall(deps, {
      accountId: trunk.accountId,
      from: from as string,
      to,
      sipCallId: call.callId,
      trunkId: trunk.id,
      numberId: number.id,
      ownerUrl: deps.node?.url,
      nodeId: deps.node?.id,
    });
    if (refusal) {
      await call.reject(403, 'Forbidden', { Reason: `SIP;cause=403;text="${refusal}"` });
      await endCall(deps, row, { by: 'system', cause: 'rejected', sipCode: 403 }, { code: 'account_not_in_good_standing', message: refusal });
      return;
    }
    if (!offer.ok) {
      await call.reject(offer.status, 'Not Acceptable Here', { Warning: `399 prolope "${offer.reason}"` });
      await endCall(
        deps,
        row,
        { by: 'system', cause: 'rejected', sipCode: offer.status },
        { code: 'media_incompatible', message: `the caller's SDP offer was refused: ${offer.reason}; Prolope requires PCMA at 20 ms (terms 5.2)` },
      );
      return;
    }
    if (number.route) return routeNumberCall(deps, engine, devices, call, offer, row, number.route);
    await runCall(deps, engine, call, row, offer, number);
  };
}

/** Runs an inbound call to one of the account's numbers (its voice application, or the greeting); also a SIP user's internal call to it. */
export async function runCall(
  deps: InboundDeps,
  engine: InboundTools,
  call: InboundCall,
  opened: CallRow,
  offer: Extract<InboundOffer, { ok: true }>,
  number: PhoneNumber,
): Promise<void> {
  const app = await voiceAppOf(deps, number);
  // A CANCEL while the media opens ends the call as the caller's; heard here as no session listens yet.
  let endedEarly: CallEnd | undefined;
  call.onEnd((end) => {
    endedEarly ??= end;
  });
  let answering: AnsweringMedia;
  try {
    answering = await offer.open();
  } catch (err) {
    // The media relay (rtpengine) did not answer, or no RTP port was free: the call row is open, so it
    // must end here too, with its cause and call.completed, not stay `ringing` for ever.
    engine.log.error({ err, callId: call.callId }, 'inbound call: media could not be opened');
    if (endedEarly) {
      await endCall(deps, opened, endedEarly);
      return;
    }
    await call.reject(500).catch((rejectErr: unknown) => engine.log.warn({ err: rejectErr, callId: call.callId }, 'inbound call: the 500 could not be sent'));
    await endCall(deps, opened, { by: 'system', cause: 'error', sipCode: 500 }, MEDIA_NOT_OPENED);
    return;
  }
  const { media } = answering;
  // Only calls run by a voice application report keys: nobody else acts on them.
  const session = new CallSession({ deps, engine, row: opened, media, sip: call, us: 'callee', reportDigits: app !== undefined, hold: answering.hold });
  try {
    // A delayed-offer call sends no 183: it stays `ringing` until the answer.
    if (await answering.progress()) session.row = await markEarlyMedia(deps, session.row);
    // Asked before answering, so the application can still refuse the call with `reject`.
    const verbs = app
      ? await firstInstructions(app.sources, {
          context: callContext(session.row),
          secret: app.secret,
          signal: session.signal,
          log: engine.log,
          fetch: deps.fetch,
        })
      : undefined;
    if (session.ended) return await session.ended;
    const first = verbs?.[0];
    if (first?.verb === 'reject') {
      const { status, reason } = REJECT_STATUS[first.reason ?? verbDefaults.reject.reason];
      await call.reject(status, reason);
      await session.finish({ by: 'callee', cause: 'rejected', sipCode: status });
      return;
    }
    await answering.answer();
    if (session.ended) return await session.ended;
    await session.answered();
    await session.run(verbs ?? [{ verb: 'say', text: DEFAULT_GREETING }], app?.secret);
  } catch (err) {
    // A CANCEL or BYE during setup ends the call through onEnd; anything else is our failure.
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: call.callId }, 'inbound call failed');
    await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}
