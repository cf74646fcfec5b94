/**
 * The in-memory shape of a SIP message (RFC 3261 §7) and its serialisation.
 *
 * Headers are kept as an ordered list of (lower-case long name, raw value) pairs rather than a map:
 * order matters for Via/Route/Record-Route, and keeping raw values lets us copy them verbatim into
 * responses (§8.2.6.2) without a lossy parse/re-stringify round trip.
 */

/** One header line; `name` is the lower-case long form (compact forms are expanded by the parser). */
export interface SipHeader {
  name: string;
  value: string;
}

/** A parsed `Via` value (§20.42). */
export interface ViaValue {
  /** Transport from the sent-protocol, upper-case (`UDP`, `TCP`, ...). */
  transport: string;
  host: string;
  port: number | undefined;
  /** Parameters with lower-case names; a value-less parameter (e.g. `rport`) maps to `''`. */
  params: Record<string, string>;
}

/** A parsed `CSeq` value (§20.16). */
export interface CSeqValue {
  seq: number;
  method: string;
}

/** A parsed name-addr / addr-spec (From, To, Contact, Route, ...). */
export interface NameAddr {
  uri: string;
  /** Header parameters (outside the angle brackets), lower-case names. */
  params: Record<string, string>;
}

interface SipMessageBase {
  headers: SipHeader[];
  body: Buffer;
  /** Fields every valid message has (§8.1.1), pre-extracted by the parser. */
  callId: string;
  cseq: CSeqValue;
  vias: ViaValue[];
  from: NameAddr;
  to: NameAddr;
}

/** A parsed request. */
export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: string;
}

/** A parsed response. */
export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

/** Either kind of parsed message. */
export type SipMessage = SipRequest | SipResponse;

/** First value of a header (by long lower-case name), or undefined. */
export function getHeader(msg: { headers: SipHeader[] }, name: string): string | undefined {
  for (const h of msg.headers) if (h.name === name) return h.value;
  return undefined;
}

/** All values of a header, in order. */
export function getHeaders(msg: { headers: SipHeader[] }, name: string): string[] {
  return msg.headers.filter((h) => h.name === name).map((h) => h.value);
}

// Canonical spellings for the headers we emit or copy; anything else is Title-Cased per dash.
const CANONICAL: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'proxy-authenticate': 'Proxy-Authenticate',
  'mime-version': 'MIME-Version',
  'record-route': 'Record-Route',
  'min-se': 'Min-SE',
};

/** The conventional spelling of a header name for the wire. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return (
    CANONICAL[lower] ??
    lower
      .split('-')
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join('-')
  );
}

/** What to serialise: a start line, headers in order, and an optional body. */
export interface OutgoingMessage {
  startLine: string;
  headers: Array<[string, string]>;
  body?: Buffer | string;
}

/**
 * Serialises a message. Content-Length is always computed here (in bytes) and any caller-supplied
 * Content-Length is ignored, so a framing mismatch can never leave this process.
 */
export function serialize(msg: OutgoingMessage): Buffer {
  const body = msg.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(msg.body) ? msg.body : Buffer.from(msg.body, 'utf8');
  let head = `${msg.startLine}\r\n`;
  for (const [name, value] of msg.headers) {
    if (name.toLowerCase() === 'content-length') continue;
    // Header values must not smuggle extra lines (a reason phrase or custom header from a caller).
    head += `${canonicalHeaderName(name)}: ${value.replace(/[\r\n]+/g, ' ')}\r\n`;
  }
  head += `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}
