import { describe, expect, it } from 'vitest';
import { getHeader, getHeaders, serialize } from './sip-message.js';
import { parseSipDatagram } from './sip-parser.js';

const INVITE = [
  'INVITE sip:+33123456789@203.0.113.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: <sip:+33123456789@203.0.113.1>',
  'From: "Alice" <sip:alice@198.51.100.7>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@198.51.100.7:5062>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join('\r\n');

function parseOk(text: string | Buffer) {
  const r = parseSipDatagram(Buffer.isBuffer(text) ? text : Buffer.from(text));
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.message;
}

describe('SIP parser', () => {
  it('parses a valid INVITE', () => {
    const m = parseOk(INVITE);
    expect(m.kind).toBe('request');
    if (m.kind !== 'request') return;
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:+33123456789@203.0.113.1:5060');
    expect(m.callId).toBe('a84b4c76e66710@pc33.example.com');
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.from.params.tag).toBe('1928301774');
    expect(m.to.params.tag).toBeUndefined();
    expect(m.vias[0]).toMatchObject({ transport: 'UDP', host: '198.51.100.7', port: 5062, params: { branch: 'z9hG4bK776asdhds', rport: '' } });
    expect(m.body.toString()).toBe('v=0\n');
  });

  it('parses a response', () => {
    const m = parseOk(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n',
    );
    expect(m).toMatchObject({ kind: 'response', status: 200, reason: 'OK' });
  });

  it('expands compact header forms', () => {
    const m = parseOk(
      [
        'INVITE sip:1@h SIP/2.0',
        'v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa',
        'f: <sip:a@h>;tag=x',
        't: sip:1@h',
        'i: compact-call',
        'CSeq: 1 INVITE',
        'm: <sip:a@10.0.0.1>',
        'c: application/sdp',
        'k: timer',
        'l: 3',
        '',
        'v=0',
      ].join('\r\n'),
    );
    expect(m.callId).toBe('compact-call');
    expect(getHeader(m, 'contact')).toBe('<sip:a@10.0.0.1>');
    expect(getHeader(m, 'content-type')).toBe('application/sdp');
    expect(getHeader(m, 'supported')).toBe('timer');
    expect(m.body.toString()).toBe('v=0');
    expect(m.to.uri).toBe('sip:1@h');
  });

  it('unfolds continuation lines', () => {
    const m = parseOk(
      "OPTIONS sip:h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\n  ;branch=z9hG4bKf\r\nFrom: <sip:a@h>\r\n\t;tag=9\r\nTo: <sip:h>\r\nCall-ID: fold\r\nCSeq: 1 OPTIONS\r\nSubject: I know you're there,\r\n   pick up the phone\r\n\r\n",
    );
    expect(m.vias[0]!.params.branch).toBe('z9hG4bKf');
    expect(m.from.params.tag).toBe('9');
    expect(getHeader(m, 'subject')).toBe("I know you're there, pick up the phone");
  });

  it('splits multi-value Via (one line and several lines) in order', () => {
    const m = parseOk(
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/UDP b.example:5070;branch=z9hG4bK2\r\nVia: SIP/2.0/TCP c.example;branch=z9hG4bK3\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: mv\r\nCSeq: 1 INVITE\r\n\r\n',
    );
    expect(m.vias.map((v) => v.host)).toEqual(['a.example', 'b.example', 'c.example']);
    expect(getHeaders(m, 'via')).toHaveLength(3);
  });

  it('accepts bare LF line endings and leading CRLFs', () => {
    const m = parseOk(
      '\r\n\r\nOPTIONS sip:h SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKlf\nFrom: <sip:a@h>;tag=1\nTo: <sip:h>\nCall-ID: lf\nCSeq: 1 OPTIONS\n\n',
    );
    expect(m.callId).toBe('lf');
  });

  it('drops bytes beyond Content-Length and measures it in bytes', () => {
    const m = parseOk(INVITE.replace('Content-Length: 4', 'Content-Length: 2'));
    expect(m.body.toString()).toBe('v=');
    const utf = parseOk(INVITE.replace('Content-Length: 4', 'Content-Length: 4').replace('v=0\n', 'é\u00e9'));
    expect(utf.body.length).toBe(4);
  });

  it('treats CRLF keep-alives as keep-alives', () => {
    const r = parseSipDatagram(Buffer.from('\r\n\r\n'));
    expect(r).toMatchObject({ ok: false, keepAlive: true });
  });

  it('serialises with a computed Content-Length and no header injection', () => {
    const buf = serialize({
      startLine: 'SIP/2.0 200 OK',
      headers: [
        ['x-evil', 'a\r\nInjected: yes'],
        ['Content-Length', '99'],
      ],
      body: 'héllo',
    });
    const text = buf.toString();
    expect(text).toContain('X-Evil: a Injected: yes\r\n');
    expect(text).toContain('Content-Length: 6\r\n\r\nhéllo');
    expect(text).not.toContain('Content-Length: 99');
  });

  const malformed: Array<[string, string | Buffer, boolean]> = [
    // [case, datagram, expect a salvageable Via (a 400 is possible)]
    ['empty headers line', 'INVITE sip:a@h SIP/2.0\r\n\r\n', false],
    ['garbage start line', 'HELLO WORLD\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n', false],
    ['wrong version', 'INVITE sip:a@h SIP/3.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n', false],
    ['missing Via', INVITE.replace(/Via:[^\r]*\r\n/, ''), false],
    ['junk Via', INVITE.replace(/Via:[^\r]*/, 'Via: garbage'), true],
    ['missing Call-ID', INVITE.replace(/Call-ID:[^\r]*\r\n/, ''), true],
    ['missing CSeq', INVITE.replace(/CSeq:[^\r]*\r\n/, ''), true],
    ['CSeq without number', INVITE.replace(/CSeq:[^\r]*/, 'CSeq: INVITE'), true],
    ['CSeq method mismatch', INVITE.replace(/CSeq:[^\r]*/, 'CSeq: 1 BYE'), true],
    ['CSeq too large', INVITE.replace(/CSeq:[^\r]*/, 'CSeq: 99999999999 INVITE'), true],
    ['missing From', INVITE.replace(/From:[^\r]*\r\n/, ''), true],
    ['broken To', INVITE.replace(/To:[^\r]*/, 'To: <sip:unterminated'), true],
    ['header without colon', INVITE.replace('Max-Forwards: 70', 'Max-Forwards 70'), true],
    ['continuation before any header', 'INVITE sip:a@h SIP/2.0\r\n folded\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n', true],
    ['truncated body', INVITE.replace('Content-Length: 4', 'Content-Length: 400'), true],
    ['non-numeric Content-Length', INVITE.replace('Content-Length: 4', 'Content-Length: four'), true],
    ['conflicting Content-Length', INVITE.replace('Content-Length: 4', 'Content-Length: 4\r\nl: 3'), true],
    ['no blank line', 'OPTIONS sip:h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x', true],
    ['bad Request-URI', INVITE.replace('INVITE sip:+33123456789@203.0.113.1:5060', 'INVITE nocolon'), true],
    [
      'bad status code',
      'SIP/2.0 099 Weird\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 BYE\r\n\r\n',
      false,
    ],
    ['NUL in headers', INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 7\u00000'), false],
    ['invalid UTF-8', Buffer.concat([Buffer.from('INVITE sip:a@h SIP/2.0\r\nX: '), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n\r\n')]), false],
    ['binary junk', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)), false],
    ['over 64 KiB', Buffer.concat([Buffer.from(INVITE), Buffer.alloc(70_000, 0x61)]), false],
  ];

  it.each(malformed)('refuses %s without throwing', (_name, input, salvageable) => {
    const r = parseSipDatagram(Buffer.isBuffer(input) ? input : Buffer.from(input));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hasVia = !!r.salvage?.isRequest && (r.salvage.vias.length ?? 0) > 0;
    expect(hasVia).toBe(salvageable);
  });

  it('never throws on random and mutated input', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const base = Buffer.from(INVITE);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(base);
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const cut = rnd() < 0.3 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
      expect(() => parseSipDatagram(cut)).not.toThrow();
    }
  });
});
