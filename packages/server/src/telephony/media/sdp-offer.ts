/**
 * Our SDP offer for outbound calls and the check of the far end's answer: PCMA (payload type 8) plus
 * telephone-event/8000 as 101, at 20 ms (terms 5.2). The answer is read with the same rules as an
 * offer we answer (see negotiate), so an answer without PCMA is refused with 488 semantics.
 */
import { randomInt } from 'node:crypto';
import { negotiate, PTIME_MS } from './sdp-negotiate.js';
import type { NegotiationFailure, NegotiationResult, RtpAddress } from './sdp-types.js';

/** The telephone-event payload type we offer. */
export const OFFER_DTMF_PAYLOAD_TYPE = 101;

/** Builds our offer: one audio m-line with PCMA 8 and telephone-event 101, ptime 20, sendrecv. */
export function buildOffer(local: RtpAddress, sessionId?: string | number, sessionVersion = 1): string {
  const id = String(sessionId ?? randomInt(1, 2 ** 47));
  const dtmf = OFFER_DTMF_PAYLOAD_TYPE;
  const lines = [
    'v=0',
    `o=prolope ${id} ${sessionVersion} IN IP4 ${local.address}`,
    's=Prolope',
    `c=IN IP4 ${local.address}`,
    't=0 0',
    `m=audio ${local.port} RTP/AVP 8 ${dtmf}`,
    'a=rtpmap:8 PCMA/8000',
    `a=rtpmap:${dtmf} telephone-event/8000`,
    `a=fmtp:${dtmf} 0-16`,
    `a=ptime:${PTIME_MS}`,
    'a=sendrecv',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Reads the far end's answer to {@link buildOffer}: where to send RTP, and telephone-event when it kept
 * it. Fails (status 488) when the answer has no PCMA/8000 as 8, another ptime, or no usable address.
 */
export function readAnswer(answerSdp: string): NegotiationResult {
  const result = negotiate(answerSdp);
  if (!result.ok) return result;
  // RFC 3264 §6.1: the answerer must use our payload type numbers; anything else means no DTMF events.
  if (result.dtmfPayloadType !== undefined && result.dtmfPayloadType !== OFFER_DTMF_PAYLOAD_TYPE) {
    const { dtmfPayloadType: _ignored, ...rest } = result;
    return rest;
  }
  return result;
}

/**
 * A refused answer in words about the far end, for the call record: `the far end answered PCMU` when it
 * picked another codec (telephone-event left out, `/8000` dropped), else what was wrong with its SDP.
 */
export function answerProblem(failure: NegotiationFailure): string {
  const codecs = failure.codecs?.filter((c) => !/^telephone-event\//i.test(c)).map((c) => c.replace(/\/8000$/, ''));
  if (codecs && codecs.length > 0) return `the far end answered ${codecs.join(', ')}`;
  return `the far end's SDP answer was refused (${failure.reason.replace(/\boffer\b/g, 'answer')})`;
}
