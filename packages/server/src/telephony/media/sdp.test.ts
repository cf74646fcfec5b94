import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { buildAnswer } from './sdp-answer.js';
import { negotiate } from './sdp-negotiate.js';

/** An offer with the given m=audio tail and extra attribute lines. */
const offer = (mline: string, attrs: string[] = [], connection = 'c=IN IP4 192.0.2.10') =>
  ['v=0', 'o=- 4711 1 IN IP4 192.0.2.10', 's=call', connection, 't=0 0', mline, ...attrs].join('\r\n') + '\r\n';

type Case = { name: string; sdp: string; ok: true; port?: number; dtmf?: number } | { name: string; sdp: string; ok: false; reason: RegExp };

const cases: Case[] = [
  { name: 'PCMA static pt, no ptime', sdp: offer('m=audio 40000 RTP/AVP 8'), ok: true, port: 40000 },
  { name: 'PCMA with rtpmap and ptime 20', sdp: offer('m=audio 40002 RTP/AVP 8', ['a=rtpmap:8 PCMA/8000', 'a=ptime:20']), ok: true, port: 40002 },
  {
    name: 'PCMA + telephone-event',
    sdp: offer('m=audio 40004 RTP/AVP 0 8 101', [
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=ptime:20',
    ]),
    ok: true,
    port: 40004,
    dtmf: 101,
  },
  {
    name: 'lower-case codec names',
    sdp: offer('m=audio 40006 RTP/AVP 8 96', ['a=rtpmap:8 pcma/8000', 'a=rtpmap:96 Telephone-Event/8000']),
    ok: true,
    dtmf: 96,
  },
  { name: 'telephone-event at 48 kHz is ignored', sdp: offer('m=audio 40008 RTP/AVP 8 101', ['a=rtpmap:101 telephone-event/48000']), ok: true },
  { name: 'maxptime 40 is fine', sdp: offer('m=audio 40010 RTP/AVP 8', ['a=maxptime:40']), ok: true },
  { name: 'PCMU only', sdp: offer('m=audio 40000 RTP/AVP 0', ['a=rtpmap:0 PCMU/8000']), ok: false, reason: /no PCMA/ },
  { name: 'G729 only', sdp: offer('m=audio 40000 RTP/AVP 18', ['a=rtpmap:18 G729/8000']), ok: false, reason: /no PCMA/ },
  { name: 'PCMA under a dynamic pt only', sdp: offer('m=audio 40000 RTP/AVP 96', ['a=rtpmap:96 PCMA/8000']), ok: false, reason: /dynamic/ },
  { name: 'pt 8 remapped to another codec', sdp: offer('m=audio 40000 RTP/AVP 8', ['a=rtpmap:8 PCMU/8000']), ok: false, reason: /no PCMA/ },
  { name: 'ptime 30', sdp: offer('m=audio 40000 RTP/AVP 8', ['a=ptime:30']), ok: false, reason: /ptime 30/ },
  { name: 'maxptime 10', sdp: offer('m=audio 40000 RTP/AVP 8', ['a=maxptime:10']), ok: false, reason: /maxptime/ },
  { name: 'no m=audio (video only)', sdp: offer('m=video 40000 RTP/AVP 31'), ok: false, reason: /no audio/ },
  { name: 'no m= line at all', sdp: ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0'].join('\r\n'), ok: false, reason: /no m= line/ },
  { name: 'audio port 0', sdp: offer('m=audio 0 RTP/AVP 8'), ok: false, reason: /port 0/ },
  { name: 'SRTP profile', sdp: offer('m=audio 40000 RTP/SAVP 8'), ok: false, reason: /RTP\/SAVP/ },
  { name: 'no connection line', sdp: offer('m=audio 40000 RTP/AVP 8', [], 'b=AS:64'), ok: false, reason: /connection/ },
  { name: 'IPv6 connection', sdp: offer('m=audio 40000 RTP/AVP 8', [], 'c=IN IP6 2001:db8::1'), ok: false, reason: /IPv4/ },
  { name: 'garbage', sdp: 'this is not SDP at all', ok: false, reason: /v=0/ },
  { name: 'empty', sdp: '', ok: false, reason: /empty/ },
  { name: 'truncated mid m= line', sdp: 'v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=aud', ok: false, reason: /garbled/ },
  { name: 'garbled port', sdp: offer('m=audio abc RTP/AVP 8'), ok: false, reason: /garbled/ },
  { name: 'garbled format list', sdp: offer('m=audio 40000 RTP/AVP 8 x'), ok: false, reason: /format list/ },
];

describe('negotiate', () => {
  it.each(cases)('$name', (c) => {
    const result = negotiate(c.sdp);
    if (c.ok) {
      expect(result).toMatchObject({ ok: true, pcmaPayloadType: 8, remote: { address: '192.0.2.10' } });
      if (!result.ok) return;
      if (c.port !== undefined) expect(result.remote.port).toBe(c.port);
      expect(result.dtmfPayloadType).toBe(c.dtmf);
    } else {
      expect(result).toMatchObject({ ok: false, status: 488 });
      if (result.ok) return;
      expect(result.reason).toMatch(c.reason);
    }
  });

  it('never throws on odd input', () => {
    for (const input of [undefined, null, 42, '\u0000\u0001', 'v=0\r\nm=audio 1 RTP/AVP', 'm=audio 4000 RTP/AVP 8'.repeat(1000)]) {
      expect(() => negotiate(input as unknown as string)).not.toThrow();
      expect(negotiate(input as unknown as string).ok).toBe(false);
    }
  });

  it('prefers the media-level connection address and mirrors the direction', () => {
    const result = negotiate(offer('m=audio 40000 RTP/AVP 8', ['c=IN IP4 198.51.100.7', 'a=sendonly']));
    expect(result).toMatchObject({ ok: true, remote: { address: '198.51.100.7', port: 40000 }, direction: 'recvonly' });
  });

  it('skips a disabled audio line for a live one', () => {
    const result = negotiate(offer('m=audio 0 RTP/AVP 0', ['m=audio 40020 RTP/AVP 8']));
    expect(result).toMatchObject({ ok: true, remote: { port: 40020 }, mediaIndex: 1 });
  });
});

describe('buildAnswer', () => {
  it('answers PCMA + telephone-event at 20 ms, parseable by sdp-transform', () => {
    const negotiated = negotiate(offer('m=audio 40004 RTP/AVP 8 101', ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15']));
    if (!negotiated.ok) throw new Error(negotiated.reason);
    const answer = buildAnswer({ address: '203.0.113.5', port: 20000 }, negotiated, '12345');
    expect(answer).toContain('m=audio 20000 RTP/AVP 8 101\r\n');
    expect(answer.endsWith('\r\n')).toBe(true);
    const parsed = parse(answer);
    expect(parsed.version).toBe(0);
    expect(String(parsed.origin.sessionId)).toBe('12345');
    expect(parsed.connection).toEqual({ version: 4, ip: '203.0.113.5' });
    expect(parsed.media).toHaveLength(1);
    const audio = parsed.media[0]!;
    expect(audio).toMatchObject({ type: 'audio', port: 20000, protocol: 'RTP/AVP', payloads: '8 101', ptime: 20, direction: 'sendrecv' });
    expect(audio.rtp).toEqual([
      { payload: 8, codec: 'PCMA', rate: 8000 },
      { payload: 101, codec: 'telephone-event', rate: 8000 },
    ]);
    expect(audio.fmtp).toEqual([{ payload: 101, config: '0-16' }]);
    // Our own answer is an acceptable offer for us, too.
    expect(negotiate(answer)).toMatchObject({ ok: true, remote: { address: '203.0.113.5', port: 20000 }, dtmfPayloadType: 101 });
  });

  it('answers PCMA alone when no telephone-event was offered', () => {
    const negotiated = negotiate(offer('m=audio 40000 RTP/AVP 8'));
    if (!negotiated.ok) throw new Error(negotiated.reason);
    const audio = parse(buildAnswer({ address: '203.0.113.5', port: 20002 }, negotiated)).media[0]!;
    expect(String(audio.payloads)).toBe('8');
    expect(audio.rtp).toEqual([{ payload: 8, codec: 'PCMA', rate: 8000 }]);
    expect(audio.fmtp).toEqual([]);
  });

  it('keeps refused m-lines in place with port 0 (RFC 3264 §6)', () => {
    const negotiated = negotiate(offer('m=video 40010 RTP/AVP 31', ['m=audio 40000 RTP/AVP 8', 'm=application 40020 UDP/BFCP *']));
    if (!negotiated.ok) throw new Error(negotiated.reason);
    const media = parse(buildAnswer({ address: '203.0.113.5', port: 20004 }, negotiated)).media;
    expect(media.map((m) => [m.type, m.port])).toEqual([
      ['video', 0],
      ['audio', 20004],
      ['application', 0],
    ]);
  });
});
