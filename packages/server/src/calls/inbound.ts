import type { FastifyBaseLogger } from 'fastify';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { assignedNumber } from '../numbers/service.js';
import { type TrunkAuth, trunksForSource } from '../sip-trunks/service.js';
import type { CallEnd, InboundCall, MediaSession } from '../telephony/backend.js';
import type { NegotiatedMedia, NegotiationResult } from '../telephony/embedded/rtp/index.js';
import { endCall, markAnswered, markEarlyMedia, openInboundCall } from './lifecycle.js';
import type { CallRow } from './store.js';

/** The outcome of SDP offer/answer: the far end's media address, or why the offer is refused. */
export type Negotiation = NegotiationResult;

/** What the inbound flow needs from the media side and speech; injected so each backend can supply its own. */
export interface InboundEngine {
  negotiate(offer: string): Negotiation;
  buildAnswer(local: { address: string; port: number }, negotiation: NegotiatedMedia): string;
  openMedia(remote: { address: string; port: number; dtmfPayloadType?: number | undefined }): Promise<MediaSession>;
  speak(text: string): Promise<Int16Array>;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

/** A number given as dialled in a SIP URI user part, in E.164; undefined when it is not a number. */
function e164(user: string): string | undefined {
  try {
    return toE164(user, '');
  } catch {
    return undefined;
  }
}

// Until voice applications drive calls (verbs from the number's webhook), an answered call hears this.
export const DEFAULT_GREETING = 'Welcome to Prolope. This number has no voice application yet. Goodbye.';

/**
 * Authorizes an INVITE the way terms 5.3 require — source IP in a trunk's allowlist, A-number on that
 * trunk, then digest — and routes it to a number the trunk's account holds. Refusals carry the SIP
 * status the caller can act on: 403 for IP or caller ID, 401 to ask for credentials, 404 for an
 * unknown number, 488 for a codec other than PCMA at 20 ms.
 */
export function inboundHandler(deps: Pick<Deps, 'db' | 'clock'>, engine: InboundEngine) {
  return async function onInvite(call: InboundCall): Promise<void> {
    const trunks = await trunksForSource(deps.db, call.source.address);
    if (trunks.length === 0) return call.reject(403, 'Source IP not authorized');
    const from = e164(call.fromUser);
    const byCaller = trunks.filter((t) => from !== undefined && t.allowedCallerIds.includes(from));
    if (byCaller.length === 0) return call.reject(403, 'Caller ID not authorized');
    if (!call.credentials) return call.challenge();
    const trunk: TrunkAuth | undefined = byCaller.find((t) => t.username === call.credentials?.username);
    if (!trunk || !call.verifyDigest(trunk.ha1)) return call.reject(403, 'Wrong credentials');

    const to = e164(call.toUser);
    const number = to ? await assignedNumber(deps.db, to) : undefined;
    if (!to || !number || number.account_id !== trunk.accountId) return call.reject(404, 'Not Found');

    const row: CallRow = await openInboundCall(deps, {
      accountId: trunk.accountId,
      from: from as string,
      to,
      sipCallId: call.callId,
      trunkId: trunk.id,
      numberId: number.id,
    });
    const negotiation = engine.negotiate(call.sdp ?? '');
    if (!negotiation.ok) {
      await call.reject(negotiation.status, 'Not Acceptable Here', { Warning: `399 prolope "${negotiation.reason}"` });
      await endCall(deps, row, { by: 'system', cause: 'rejected', sipCode: negotiation.status });
      return;
    }
    await runCall(deps, engine, call, row, negotiation);
  };
}

async function runCall(
  deps: Pick<Deps, 'db' | 'clock'>,
  engine: InboundEngine,
  call: InboundCall,
  opened: CallRow,
  negotiation: NegotiatedMedia,
): Promise<void> {
  let row = opened;
  const media = await engine.openMedia({ ...negotiation.remote, dtmfPayloadType: negotiation.dtmfPayloadType });
  const abort = new AbortController();
  let ended: Promise<void> | undefined;
  const finish = (end: CallEnd) => {
    if (ended) return ended;
    abort.abort();
    ended = media.close().then(async () => {
      await endCall(deps, row, end);
    });
    return ended;
  };
  call.onEnd((end) => void finish(end));
  media.onTimeout(() => {
    void call.hangup().finally(() => finish({ by: 'system', cause: 'rtp_timeout' }));
  });

  try {
    const answerSdp = engine.buildAnswer(media.local, negotiation);
    await call.progress(answerSdp);
    row = await markEarlyMedia(deps, row);
    await call.answer(answerSdp);
    if (ended) return await ended;
    row = await markAnswered(deps, row);

    const greeting = await engine.speak(DEFAULT_GREETING);
    await media.play(greeting, { signal: abort.signal });
    if (ended) return await ended;
    await call.hangup();
    await finish({ by: 'callee', cause: 'normal' });
  } catch (err) {
    // A CANCEL or BYE during setup ends the call through onEnd; anything else is our failure.
    if (ended) return await ended;
    engine.log.error({ err, callId: call.callId }, 'inbound call failed');
    await finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}
