import { randomInt } from 'node:crypto';
import type { HoldSignal, MediaSession, ReofferAnswer, SipInboundCall } from '../backend.js';
import { buildAnswer } from './sdp-answer.js';
import { holdState } from './hold-state.js';
import { negotiate } from './sdp-negotiate.js';
import type { MediaDirection } from './sdp-types.js';

/** Our SDP's o= line across the dialog: one session id, its version raised by each new answer (RFC 3264 §8). */
export interface SdpOrigin {
  readonly sessionId: number;
  version: number;
}

/** A fresh o= session id and version 1, for the first answer or offer of a call. */
export function newOrigin(): SdpOrigin {
  return { sessionId: randomInt(1, 2 ** 47), version: 1 };
}

/**
 * Follows the far end's re-INVITEs and UPDATEs on an established call (RFC 3264 §8): each offer is
 * negotiated like the first (PCMA at 20 ms, else 488 and nothing changes); a new address or port points
 * the media there; `a=sendonly`, `a=inactive` or the old-style `c=0.0.0.0` is a hold, answered
 * `recvonly`/`inactive`, and `a=sendrecv` resumes. Returns the hold state for the calls domain, which
 * plays the other party of a bridge hold music meanwhile.
 */
export function followReoffers(
  call: Pick<SipInboundCall, 'onReoffer'>,
  media: MediaSession,
  origin: SdpOrigin,
): HoldSignal | undefined {
  if (!call.onReoffer) return undefined;
  const hold = holdState();
  call.onReoffer((offerSdp): ReofferAnswer => {
    const n = negotiate(offerSdp);
    if (!n.ok) return { ok: false, status: n.status, reason: n.reason };
    // c=0.0.0.0 (RFC 2543 hold): nowhere to send, so we only receive whatever it says.
    const blackHole = n.remote.address === '0.0.0.0';
    const direction: MediaDirection = blackHole && n.direction === 'sendrecv' ? 'recvonly' : n.direction;
    const nowHeld = blackHole || direction === 'recvonly' || direction === 'inactive';
    // Pointing the media at the same place again only re-opens its symmetric-RTP latch: harmless.
    if (!blackHole) media.setRemote?.(n.remote, n.dtmfPayloadType);
    origin.version++;
    const answerSdp = buildAnswer(media.local, { ...n, direction }, origin.sessionId, origin.version);
    hold.set(nowHeld);
    return { ok: true, answerSdp };
  });
  return hold;
}
