import { describe, expect, it } from 'vitest';
import { parseSipDatagram } from './sip-parser.js';
import { sessionTimer, unsupportedRequired } from './session-options.js';
import type { SipRequest } from './sip-message.js';

function invite(...headers: string[]): SipRequest {
  const text = [
    'INVITE sip:100@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1',
    'From: <sip:a@127.0.0.1>;tag=1',
    'To: <sip:100@127.0.0.1>',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseSipDatagram(Buffer.from(text));
  if (!r.ok) throw new Error(r.reason);
  return r.message as SipRequest;
}

describe('SIP option tags and session timers', () => {
  it('names the Require tags we lack (100rel), over several headers and in any case; timer is supported', () => {
    expect(unsupportedRequired(invite())).toEqual([]);
    expect(unsupportedRequired(invite('Require: 100rel'))).toEqual(['100rel']);
    expect(unsupportedRequired(invite('Require: Timer, 100REL', 'Require: precondition'))).toEqual(['100rel', 'precondition']);
  });

  it('accepts a session interval from a caller that supports timers, with refresher=uac', () => {
    expect(sessionTimer(invite('Session-Expires: 1800', 'Supported: timer'))).toEqual({
      kind: 'accept',
      headers: [
        ['Session-Expires', '1800;refresher=uac'],
        ['Require', 'timer'],
      ],
    });
    // The compact form (x) and Require: timer count too.
    expect(sessionTimer(invite('x: 600;refresher=uac', 'Require: timer')).kind).toBe('accept');
  });

  it('refuses an interval under Min-SE, and ignores one from a caller without timer support or garbled', () => {
    expect(sessionTimer(invite('Session-Expires: 89', 'Supported: timer'))).toEqual({ kind: 'too-small' });
    expect(sessionTimer(invite('Session-Expires: 1800'))).toEqual({ kind: 'none' });
    expect(sessionTimer(invite('Session-Expires: soon', 'Supported: timer'))).toEqual({ kind: 'none' });
    expect(sessionTimer(invite())).toEqual({ kind: 'none' });
  });
});
