import { randomBytes } from 'node:crypto';
import { parseNameAddr, parseVia } from './header-values.js';
import type { SipRequest } from './sip-message.js';
import { getHeaders, type OutgoingMessage } from './sip-message.js';

/** Where a datagram came from / goes to. */
export interface Endpoint {
  address: string;
  port: number;
}

/** Our product token in Server / User-Agent headers. */
export const SERVER_NAME = 'Prolope';

/** The methods we implement, for Allow headers (§20.5). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS';

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  420: 'Bad Extension',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  603: 'Decline',
};

/** The standard reason phrase for a status code (§21). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}

/** A random token for tags and branches: 64 bits is plenty for uniqueness (§19.3). */
export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

/** A new RFC 3261 branch (with the magic cookie, §8.1.1.7). */
export function newBranch(): string {
  return `z9hG4bK${randomToken(10)}`;
}

/**
 * Adds `received` / fills `rport` on the top Via (§18.2.1, RFC 3581) so the client can match where
 * we saw it. We always send the response back to the datagram's source, which is what rport asks
 * for and what works through NAT.
 */
export function stampVia(raw: string, source: Endpoint): string {
  const via = parseVia(raw);
  if (!via) return raw;
  let out = raw.trim();
  if ('rport' in via.params && via.params.rport === '') out = out.replace(/;\s*rport(?=;|$)/i, `;rport=${source.port}`);
  if (via.host.replace(/^\[|\]$/g, '') !== source.address && !('received' in via.params)) out += `;received=${source.address}`;
  return out;
}

/** The raw header values a response copies from its request (§8.2.6.2). */
export interface ResponseBasis {
  vias: string[];
  from?: string | undefined;
  to?: string | undefined;
  callId?: string | undefined;
  cseq?: string | undefined;
}

/** The response basis of a parsed request. */
export function basisOf(req: SipRequest): ResponseBasis {
  const one = (n: string) => getHeaders(req, n)[0];
  return { vias: getHeaders(req, 'via'), from: one('from'), to: one('to'), callId: req.callId, cseq: one('cseq') };
}

/** Options for building a response. */
export interface ResponseOptions {
  reason?: string | undefined;
  /** Our To tag; added unless the To already has one, and never to a 100 (§8.2.6.2). */
  toTag?: string | undefined;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
  contentType?: string;
}

/** Builds a response: copied Via/From/To/Call-ID/CSeq, our To tag, extra headers, body. */
export function buildResponse(basis: ResponseBasis, source: Endpoint, status: number, opts: ResponseOptions = {}): OutgoingMessage {
  const headers: Array<[string, string]> = [];
  basis.vias.forEach((v, i) => {
    headers.push(['Via', i === 0 ? stampVia(v, source) : v]);
  });
  if (basis.from !== undefined) headers.push(['From', basis.from]);
  if (basis.to !== undefined) {
    let to = basis.to;
    const parsed = parseNameAddr(to);
    if (status > 100 && opts.toTag && parsed && !('tag' in parsed.params)) to = `${to};tag=${opts.toTag}`;
    headers.push(['To', to]);
  }
  if (basis.callId !== undefined) headers.push(['Call-ID', basis.callId]);
  if (basis.cseq !== undefined) headers.push(['CSeq', basis.cseq]);
  headers.push(['Server', SERVER_NAME]);
  for (const h of opts.headers ?? []) headers.push(h);
  if (opts.body !== undefined) headers.push(['Content-Type', opts.contentType ?? 'application/sdp']);
  const out: OutgoingMessage = { startLine: `SIP/2.0 ${status} ${(opts.reason ?? reasonPhrase(status)).replace(/[\r\n]+/g, ' ')}`, headers };
  if (opts.body !== undefined) out.body = opts.body;
  return out;
}
