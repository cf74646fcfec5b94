/**
 * Writes our SDP answer. Built by hand rather than with sdp-transform's writer so the output is
 * byte-for-byte predictable (tests and SIP traces compare it) and carries exactly what terms 5.2
 * promise: PCMA at 20 ms, plus telephone-event when the offer had it.
 */
import { randomInt } from 'node:crypto';
import { PTIME_MS } from './sdp-negotiate.js';
import type { NegotiatedMedia, RtpAddress } from './sdp-types.js';

/** What {@link buildAnswer} needs from a negotiation (a full {@link NegotiatedMedia} fits). */
export type AnswerInput = Pick<NegotiatedMedia, 'dtmfPayloadType'> & Partial<Pick<NegotiatedMedia, 'direction' | 'mediaIndex' | 'otherMedia'>>;

/**
 * Builds the SDP answer for a successful {@link negotiate} result.
 *
 * @param local where our RTP session listens (`RtpSession.local`); must be an IPv4 address the far
 *   end can reach (the advertised address, not 0.0.0.0).
 * @param negotiated the ok result of negotiate(); its other m-lines are echoed back with port 0, as
 *   RFC 3264 §6 requires the answer to have as many m-lines as the offer.
 * @param sessionId the o= session id; defaults to a random number. Keep it for re-answers in the
 *   same dialog and pass a higher `sessionVersion`.
 * @param sessionVersion the o= version, 1 unless this re-answers a re-INVITE.
 */
export function buildAnswer(local: RtpAddress, negotiated: AnswerInput, sessionId?: string | number, sessionVersion = 1): string {
  const id = String(sessionId ?? randomInt(1, 2 ** 47));
  const dtmf = negotiated.dtmfPayloadType;
  const formats = dtmf !== undefined ? `8 ${dtmf}` : '8';
  const audio = [
    `m=audio ${local.port} RTP/AVP ${formats}`,
    'a=rtpmap:8 PCMA/8000',
    ...(dtmf !== undefined ? [`a=rtpmap:${dtmf} telephone-event/8000`, `a=fmtp:${dtmf} 0-16`] : []),
    `a=ptime:${PTIME_MS}`,
    `a=${negotiated.direction ?? 'sendrecv'}`,
  ];

  // Put the refused m-lines back at their offered positions, each with port 0.
  const blocks: string[][] = [];
  const others = [...(negotiated.otherMedia ?? [])].sort((a, b) => a.index - b.index);
  const audioIndex = negotiated.mediaIndex ?? 0;
  let placedAudio = false;
  for (const other of others) {
    if (!placedAudio && other.index > audioIndex) {
      blocks.push(audio);
      placedAudio = true;
    }
    blocks.push([`m=${other.type} 0 ${other.protocol} ${other.formats}`]);
  }
  if (!placedAudio) blocks.push(audio);

  const lines = ['v=0', `o=prolope ${id} ${sessionVersion} IN IP4 ${local.address}`, 's=Prolope', `c=IN IP4 ${local.address}`, 't=0 0', ...blocks.flat()];
  return `${lines.join('\r\n')}\r\n`;
}
