import { describe, expect, it } from 'vitest';
import { mirrorDirection, offeredDirection } from './sdp-direction.js';

const sdp = (extra: { session?: string; media?: string; c?: string } = {}) =>
  `v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 ${extra.c ?? '127.0.0.1'}\r\nt=0 0\r\n${extra.session ?? ''}m=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n${extra.media ?? ''}`;

describe('offeredDirection', () => {
  it('reads the audio m-line’s attribute first, then the session’s, sendrecv by default', () => {
    expect(offeredDirection(sdp())).toBe('sendrecv');
    expect(offeredDirection(sdp({ media: 'a=sendonly\r\n' }))).toBe('sendonly');
    expect(offeredDirection(sdp({ session: 'a=inactive\r\n' }))).toBe('inactive');
    expect(offeredDirection(sdp({ session: 'a=sendonly\r\n', media: 'a=recvonly\r\n' }))).toBe('recvonly');
  });

  it('takes c=0.0.0.0 (the RFC 2543 hold) as sendonly', () => {
    expect(offeredDirection(sdp({ c: '0.0.0.0' }))).toBe('sendonly');
    expect(offeredDirection(sdp({ c: '0.0.0.0', media: 'a=inactive\r\n' }))).toBe('inactive');
  });

  it('mirrors an offer as RFC 3264 §6.1 answers it', () => {
    expect(mirrorDirection('sendonly')).toBe('recvonly');
    expect(mirrorDirection('recvonly')).toBe('sendonly');
    expect(mirrorDirection('inactive')).toBe('inactive');
    expect(mirrorDirection('sendrecv')).toBe('sendrecv');
  });
});
