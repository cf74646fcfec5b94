import type { TransferRequest } from '../backend.js';
import { parseNameAddr, uriUser } from './header-values.js';
import { parseReplaces, replacesInHeaders } from './replaces.js';
import { getHeader, type SipRequest } from './sip-message.js';

/** A REFER's Refer-To, parsed (RFC 3515 §2.1), or why it cannot be used (the status to answer). */
export type ParsedRefer = { ok: true; request: TransferRequest } | { ok: false; status: number; reason: string };

/**
 * Reads the Refer-To of a REFER: exactly one sip/sips/tel URI with a user part (an extension or a
 * number). `?Replaces=` in it is an attended transfer (RFC 3891): the dialog it names is reported; one
 * that names none (no Call-ID or a tag missing) is 400. A missing or unreadable Refer-To is 400; a URI
 * without a user is 404.
 */
export function parseRefer(req: SipRequest): ParsedRefer {
  const raw = getHeader(req, 'refer-to') ?? getHeader(req, 'r');
  if (!raw) return { ok: false, status: 400, reason: 'Missing Refer-To' };
  const addr = parseNameAddr(raw);
  if (!addr || !/^(sips?|tel):/i.test(addr.uri)) return { ok: false, status: 400, reason: 'Bad Refer-To' };
  const q = addr.uri.indexOf('?');
  const headers = q < 0 ? '' : addr.uri.slice(q + 1);
  const uri = q < 0 ? addr.uri : addr.uri.slice(0, q);
  const target = uriUser(uri);
  if (target === '') return { ok: false, status: 404, reason: 'Not Found' };
  const rawReplaces = replacesInHeaders(headers);
  const replaces = rawReplaces === undefined ? undefined : parseReplaces(rawReplaces);
  if (rawReplaces !== undefined && !replaces) return { ok: false, status: 400, reason: 'Bad Replaces' };
  return { ok: true, request: { referTo: uri, target, replaces } };
}

/** The NOTIFY body reporting a referred INVITE's status (RFC 3515 §2.4.5): a sipfrag status line. */
export function sipfrag(status: number, reason: string): string {
  return `SIP/2.0 ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\n`;
}
