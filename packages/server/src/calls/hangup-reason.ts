import type { Schema } from '../http/contract.js';
import type { CallEnd, DialFailure } from '../telephony/backend.js';

/** The stable codes of `hangup_reason`: the spec's HangupReason enum. */
export type HangupReasonCode = HangupReason['code'];

/** Why a call ended, as the call record shows it: a code to branch on and the same in words. */
export type HangupReason = Schema<'HangupReason'>;

const PCMA_RULE = 'Prolope requires PCMA at 20 ms (terms 5.2)';

/** What the words need to know about where the failed INVITE went. */
export interface FailedAttempt {
  /** `the carrier`, or `the PBX of trunk trk_...`: customers see this, so never a carrier's name or address. */
  peer: string;
  /** Whether digest credentials were there to answer a challenge. */
  hadCredentials: boolean;
  /** The ring timeout, for a no-answer message. */
  ringTimeoutS: number;
  /** How many routes were tried (more than one: failover happened). */
  tried: number;
}

const statusLine = (f: DialFailure) => `${f.status}${f.reason ? ` ${f.reason}` : ''}`;

/** Our own failures (ring timeout, no response, an SDP answer without PCMA, ...). */
function localReason(f: DialFailure, at: FailedAttempt): HangupReason {
  switch (f.cause) {
    case 'unacceptable_answer':
      return { code: 'media_incompatible', message: `${f.reason}; ${PCMA_RULE}` };
    case 'ring_timeout':
      return { code: 'no_answer', message: `no answer within ${at.ringTimeoutS} s (timeout_seconds)` };
    case 'canceled':
      return { code: 'canceled', message: 'the call was hung up before the far end answered' };
    case 'no_response':
      return {
        code: 'no_response',
        message: `nothing answered the INVITE sent to ${at.peer}${at.tried > 1 ? ` (${at.tried} routes tried)` : ''}: check its address and port, and that it takes SIP over UDP from this server`,
      };
    case 'unresolvable':
      return { code: 'carrier_unreachable', message: `${at.peer}'s host name does not resolve (${f.reason})` };
    case 'send_failed':
      return { code: 'carrier_unreachable', message: `the INVITE to ${at.peer} could not be sent (${f.reason})` };
    case 'unusable':
      return { code: 'internal_error', message: `${at.peer} cannot be used: ${f.reason} (the operator finds details in the server log)` };
    case 'no_media_port':
      return { code: 'media_unavailable', message: 'no free RTP port on this server for the call' };
    case 'media_relay':
      return { code: 'media_unavailable', message: `the media relay failed (${f.reason})` };
    case 'stopped':
      return { code: 'internal_error', message: 'the server stopped while the call was being placed' };
    default:
      return { code: 'internal_error', message: `the call could not be placed (${statusLine(f)})` };
  }
}

/** A final failure the far end sent. */
function remoteReason(f: DialFailure, at: FailedAttempt): HangupReason {
  const s = f.status;
  const line = statusLine(f);
  if (s === 486 || s === 600) return { code: 'busy', message: `the callee is busy (${line})` };
  if (s === 480 || s === 408) return { code: 'no_answer', message: `the callee did not answer (${line})` };
  if (s === 487) return { code: 'canceled', message: `the far end ended the attempt (${line})` };
  if (s === 404 || s === 484 || s === 604) return { code: 'invalid_number', message: `the far end does not know the number (${line})` };
  if (s === 488 || s === 606 || s === 415)
    return { code: 'media_incompatible', message: `${at.peer} refused our offer of PCMA at 20 ms (${line}); ${PCMA_RULE}` };
  if (s === 401 || s === 407) {
    return {
      code: 'authentication_failed',
      message: at.hadCredentials
        ? `${at.peer} refused our digest credentials (${line}): check its username and password`
        : `${at.peer} asks for digest credentials (${line}) and none are set: give it a username and password`,
    };
  }
  if (s >= 500 && s <= 599) {
    return { code: 'carrier_error', message: `${at.tried > 1 ? `every route failed (${at.tried} tried); the last, ` : ''}${at.peer} answered ${line}` };
  }
  return { code: 'rejected', message: `the far end refused the call (${line})` };
}

/** Why an INVITE failed, in the call record's terms. */
export function dialFailureReason(f: DialFailure, at: FailedAttempt): HangupReason {
  return f.local ? localReason(f, at) : remoteReason(f, at);
}

/** The reason of an end nobody worded: from who ended it, how, and the SIP status. */
export function endReason(end: CallEnd, answered: boolean): HangupReason {
  switch (end.cause) {
    case 'normal':
      return {
        code: 'normal_clearing',
        message: end.by === 'system' ? 'Prolope hung up' : `the ${end.by} hung up`,
      };
    case 'canceled':
      return { code: 'canceled', message: answered ? 'the call was canceled' : `the ${end.by} hung up before the answer` };
    case 'rtp_timeout':
      return { code: 'media_timeout', message: 'no audio (RTP) arrived from the far end for too long' };
    case 'rejected':
      return end.sipCode === 488
        ? { code: 'media_incompatible', message: `the SDP offered no PCMA at 20 ms; ${PCMA_RULE}` }
        : { code: 'rejected', message: `the call was refused${end.sipCode ? ` (${end.sipCode})` : ''}` };
    default:
      return { code: 'internal_error', message: 'Prolope failed while running the call (the operator finds it in the server log by call id)' };
  }
}
