import { getHeader, type SipMessage } from '../sip/sip-message.js';

/** A SIP message the test call sent (`out`) or received (`in`). */
export interface SipEntry {
  kind: 'sip';
  /** Milliseconds since the test call started. */
  at: number;
  direction: 'out' | 'in';
  /** The request method, for requests. */
  method?: string;
  /** The Request-URI, for requests. */
  uri?: string;
  /** Status code and reason phrase, for responses. */
  status?: number;
  reason?: string;
  /** CSeq method: which request a response answers. */
  cseqMethod?: string;
  /** A one-line reading of the SDP body (`PCMA/8000, telephone-event/8000, ptime 20`), when there is one. */
  sdp?: string;
  /** The INVITE carried digest credentials. */
  authorized?: boolean;
  /** A `Warning` header (a 488 says why the offer was refused there). */
  warning?: string;
  /** The datagram did not parse as SIP. */
  unparsed?: boolean;
}

/** A DTMF digit sent as RFC 4733 telephone-events (logged when its end packets have left). */
export interface DtmfEntry {
  kind: 'dtmf';
  at: number;
  direction: 'out';
  digit: string;
}

/** The first RTP packet in one direction. */
export interface RtpEntry {
  kind: 'rtp';
  at: number;
  direction: 'out' | 'in';
  payloadType: number;
  /** Where it came from (`in`) or went to (`out`), `address:port`. */
  peer: string;
}

/** How the call ended. */
export interface EndEntry {
  kind: 'end';
  at: number;
  /** `remote`: the far end refused or hung up; `local`: the test caller gave up or hung up. */
  by: 'remote' | 'local';
  /** Plain words: `far end hung up (BYE)`, `refused: 403 Caller ID not authorized`, ... */
  text: string;
  /** The SIP code that ended it: the final INVITE answer of a refusal, else the BYE's answer. */
  sipCode?: number;
}

/** One line of a test call's timeline. */
export type TimelineEntry = SipEntry | DtmfEntry | RtpEntry | EndEntry;

/** Builds the timeline entry of a SIP message seen on the wire. */
export function sipEntry(at: number, direction: 'out' | 'in', message: SipMessage | undefined): SipEntry {
  if (!message) return { kind: 'sip', at, direction, unparsed: true };
  const entry: SipEntry =
    message.kind === 'request'
      ? { kind: 'sip', at, direction, method: message.method, uri: message.uri }
      : { kind: 'sip', at, direction, status: message.status, reason: message.reason, cseqMethod: message.cseq.method };
  const ct = getHeader(message, 'content-type');
  if (ct && /^application\/sdp\b/i.test(ct.trim()) && message.body.length > 0) entry.sdp = sdpSummary(message.body.toString('utf8'));
  if (message.kind === 'request' && (getHeader(message, 'authorization') ?? getHeader(message, 'proxy-authorization'))) entry.authorized = true;
  const warning = getHeader(message, 'warning');
  if (warning) entry.warning = warning;
  return entry;
}

/**
 * The audio codecs, packet time and address of an SDP body, in one line.
 *
 * @example
 * ```ts
 * sdpSummary('v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 20000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n');
 * // 'PCMA/8000, telephone-event/8000 ptime 20 at 10.0.0.1:20000'
 * ```
 */
export function sdpSummary(sdp: string): string {
  const lines = sdp.split(/\r?\n/);
  const media = lines.find((l) => l.startsWith('m=audio '));
  if (!media) return 'no audio';
  const [, port, , ...formats] = media.slice(2).split(/\s+/);
  const rtpmap = new Map<string, string>();
  for (const l of lines) {
    const m = /^a=rtpmap:(\d+)\s+(\S+)/.exec(l);
    if (m) rtpmap.set(m[1]!, m[2]!);
  }
  const codecs = formats.filter(Boolean).map((f) => rtpmap.get(f) ?? (f === '8' ? 'PCMA/8000' : f === '0' ? 'PCMU/8000' : `${f}/8000`));
  const ptime = lines.find((l) => l.startsWith('a=ptime:'))?.slice('a=ptime:'.length);
  const address = lines.find((l) => l.startsWith('c='))?.split(/\s+/)[2];
  return `${codecs.join(', ')}${ptime ? ` ptime ${ptime.trim()}` : ''}${address ? ` at ${address}:${port}` : ''}`;
}

/**
 * One readable line per entry: the time offset, an arrow for the direction, then what happened.
 *
 * @example
 * ```ts
 * formatEntry({ kind: 'sip', at: 12, direction: 'in', status: 183, reason: 'Session Progress', cseqMethod: 'INVITE' });
 * // '+   12 ms  ←  183 Session Progress'
 * ```
 */
export function formatEntry(entry: TimelineEntry): string {
  const time = `+${String(Math.round(entry.at)).padStart(5)} ms`;
  return `${time}  ${entry.kind === 'end' ? '■' : entry.direction === 'out' ? '→' : '←'}  ${describe(entry)}`;
}

function describe(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'dtmf':
      return `DTMF ${entry.digit} (RFC 4733)`;
    case 'rtp':
      return `RTP ${entry.direction === 'in' ? 'from' : 'to'} ${entry.peer} starts (PT ${entry.payloadType}${entry.payloadType === 8 ? ' PCMA' : ''})`;
    case 'end':
      return `end: ${entry.text}`;
    case 'sip': {
      if (entry.unparsed) return '(a datagram that is not SIP)';
      const head = entry.method
        ? `${entry.method} ${entry.uri}`
        : `${entry.status} ${entry.reason}${entry.cseqMethod === 'INVITE' ? '' : ` (${entry.cseqMethod})`}`;
      const extras = [
        entry.authorized ? 'with digest credentials' : '',
        entry.sdp ? `SDP: ${entry.sdp}` : '',
        entry.warning ? `Warning: ${entry.warning}` : '',
      ];
      const extra = extras.filter(Boolean).join('; ');
      return extra ? `${head} (${extra})` : head;
    }
  }
}
