import { describe, expect, it } from 'vitest';
import type { DialFailure } from '../telephony/backend.js';
import { dialFailureReason, endReason } from './hangup-reason.js';

const carrier = { peer: 'the carrier', hadCredentials: false, ringTimeoutS: 30, tried: 1 };
const remote = (status: number, reason: string): DialFailure => ({ ok: false, status, reason, local: false });
const local = (status: number, reason: string, cause: DialFailure['cause']): DialFailure => ({ ok: false, status, reason, local: true, cause });

describe('hangup_reason of a failed INVITE', () => {
  it.each([
    [remote(486, 'Busy Here'), carrier, 'busy', 'the callee is busy (486 Busy Here)'],
    [remote(600, 'Busy Everywhere'), carrier, 'busy', 'the callee is busy (600 Busy Everywhere)'],
    [remote(480, 'Temporarily Unavailable'), carrier, 'no_answer', 'the callee did not answer (480 Temporarily Unavailable)'],
    [remote(404, 'Not Found'), carrier, 'invalid_number', 'the far end does not know the number (404 Not Found)'],
    [
      remote(488, 'Not Acceptable Here'),
      carrier,
      'media_incompatible',
      'the carrier refused our offer of PCMA at 20 ms (488 Not Acceptable Here); Prolope requires PCMA at 20 ms (terms 5.2)',
    ],
    [
      remote(407, 'Proxy Authentication Required'),
      carrier,
      'authentication_failed',
      'the carrier asks for digest credentials (407 Proxy Authentication Required) and none are set: give it a username and password',
    ],
    [
      remote(401, 'Unauthorized'),
      { ...carrier, hadCredentials: true },
      'authentication_failed',
      'the carrier refused our digest credentials (401 Unauthorized): check its username and password',
    ],
    [remote(503, 'Service Unavailable'), carrier, 'carrier_error', 'the carrier answered 503 Service Unavailable'],
    [remote(502, 'Bad Gateway'), { ...carrier, tried: 3 }, 'carrier_error', 'every route failed (3 tried); the last, the carrier answered 502 Bad Gateway'],
    [remote(403, 'Forbidden'), carrier, 'rejected', 'the far end refused the call (403 Forbidden)'],
    [
      local(488, 'the far end answered PCMU', 'unacceptable_answer'),
      carrier,
      'media_incompatible',
      'the far end answered PCMU; Prolope requires PCMA at 20 ms (terms 5.2)',
    ],
    [local(408, 'no answer within the ring timeout', 'ring_timeout'), { ...carrier, ringTimeoutS: 45 }, 'no_answer', 'no answer within 45 s (timeout_seconds)'],
    [local(487, 'cancelled', 'canceled'), carrier, 'canceled', 'the call was hung up before the far end answered'],
    [
      local(503, 'carrier.invalid: ENOTFOUND', 'unresolvable'),
      carrier,
      'carrier_unreachable',
      "the carrier's host name does not resolve (carrier.invalid: ENOTFOUND)",
    ],
    [local(503, 'no free RTP port', 'no_media_port'), carrier, 'media_unavailable', 'no free RTP port on this server for the call'],
    [local(503, 'SIP stack stopped', 'stopped'), carrier, 'internal_error', 'the server stopped while the call was being placed'],
    [local(500, 'boom', undefined), carrier, 'internal_error', 'the call could not be placed (500 boom)'],
  ])('%o from %o is %s', (failure, at, code, message) => {
    expect(dialFailureReason(failure, at)).toEqual({ code, message });
  });

  it('words no response with where the INVITE went, and how many routes were tried', () => {
    const pbx = { ...carrier, peer: 'the PBX of trunk trk_1 (203.0.113.5:5080)', tried: 1 };
    expect(dialFailureReason(local(408, 'no response to the INVITE', 'no_response'), pbx).message).toBe(
      'nothing answered the INVITE sent to the PBX of trunk trk_1 (203.0.113.5:5080): check its address and port, and that it takes SIP over UDP from this server',
    );
    expect(dialFailureReason(local(408, 'no response to the INVITE', 'no_response'), { ...carrier, tried: 2 }).message).toContain(
      'the carrier (2 routes tried)',
    );
  });
});

describe('hangup_reason of an end', () => {
  it.each([
    [{ by: 'caller', cause: 'normal' }, true, 'normal_clearing', 'the caller hung up'],
    [{ by: 'system', cause: 'normal' }, true, 'normal_clearing', 'Prolope hung up'],
    [{ by: 'caller', cause: 'canceled', sipCode: 487 }, false, 'canceled', 'the caller hung up before the answer'],
    [{ by: 'system', cause: 'rtp_timeout' }, true, 'media_timeout', 'no audio (RTP) arrived from the far end for too long'],
    [{ by: 'callee', cause: 'rejected', sipCode: 486 }, false, 'rejected', 'the call was refused (486)'],
    [
      { by: 'system', cause: 'error', sipCode: 500 },
      true,
      'internal_error',
      'Prolope failed while running the call (the operator finds it in the server log by call id)',
    ],
  ] as const)('%o is %s', (end, answered, code, message) => {
    expect(endReason(end, answered)).toEqual({ code, message });
  });
});
