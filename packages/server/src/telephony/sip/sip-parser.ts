import { parseCSeq, parseNameAddr, parseVia, splitCommaList } from './header-values.js';
import type { NameAddr, SipHeader, SipMessage, ViaValue } from './sip-message.js';

/**
 * A small strict SIP parser for single UDP datagrams (RFC 3261 §7, §18.3).
 *
 * Why not `drachtio-sip`'s parser (installed, evaluated): it throws TypeErrors on common malformed
 * input (a junk Via, a CSeq without a number, `Authorization: Digest` without parameters), so every
 * call would need a try/catch and could not say *what* was wrong; it silently truncates a body that
 * is shorter than Content-Length instead of rejecting it (§18.3 says that is a malformed message);
 * it measures Content-Length in UTF-16 characters rather than bytes; it accepts only CRLF; it uses
 * the deprecated `unescape`, and ships no types. What we need is small — start line, headers with
 * folding and compact forms, Content-Length framing, multi-value Via — so we own ~200 lines instead.
 *
 * The parser never throws. On failure it still reports what it could salvage (was it a request,
 * which method, the raw Via/From/To/Call-ID/CSeq lines) so the transport can answer 400 (§8.2 /
 * §16.3 style) when a response can be routed, and drop otherwise.
 */

/** Largest datagram we look at. UDP cannot carry more than ~64 KiB anyway; anything bigger is junk. */
export const MAX_DATAGRAM_BYTES = 64 * 1024;

/** Compact header forms (§7.3.3 and later RFCs' registrations). */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  f: 'from',
  t: 'to',
  v: 'via',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  e: 'content-encoding',
  s: 'subject',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
};

/** Headers that may carry several comma-separated values on one line and that we split. */
const SPLIT_LISTS = new Set(['via', 'route', 'record-route']);

/** What the transport may use to answer a message that failed to parse. */
export interface Salvage {
  isRequest: boolean;
  method: string | undefined;
  vias: string[];
  from: string | undefined;
  to: string | undefined;
  callId: string | undefined;
  cseq: string | undefined;
}

/** Result of parsing a datagram; `reason` says why it was refused. */
export type ParseResult = { ok: true; message: SipMessage } | { ok: false; reason: string; keepAlive?: boolean; salvage?: Salvage };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one datagram. Never throws. */
export function parseSipDatagram(buf: Buffer): ParseResult {
  try {
    return parseUnsafe(buf);
  } catch (err) {
    // Defensive: the code below is written not to throw, but a parser bug must not take the transport down.
    return { ok: false, reason: `parser error: ${(err as Error).message}` };
  }
}

function parseUnsafe(buf: Buffer): ParseResult {
  if (buf.length > MAX_DATAGRAM_BYTES) return { ok: false, reason: 'datagram too large' };
  // RFC 5626 keep-alives (CRLF / CRLFCRLF) are not messages; the caller drops them without counting.
  if (buf.length === 0 || /^[\r\n]+$/.test(buf.toString('latin1'))) return { ok: false, reason: 'keep-alive', keepAlive: true };

  // Without a blank line we still read the headers (to salvage a Via for the 400), then refuse.
  // Leading CRLFs before the start line are ignored (§7.5).
  let startAt = 0;
  while (buf[startAt] === 0x0d || buf[startAt] === 0x0a) startAt++;
  const found = findHeaderEnd(buf, startAt);
  const split = found ?? { headEnd: buf.length, bodyStart: buf.length };
  let headText: string;
  try {
    headText = utf8.decode(buf.subarray(startAt, split.headEnd));
  } catch {
    return { ok: false, reason: 'header section is not UTF-8' };
  }
  // Control characters other than tab (and the line breaks we split on) mean binary junk.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: this is exactly what we look for
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(headText)) return { ok: false, reason: 'control characters in headers' };

  const rawLines = headText.split(/\r?\n/);
  // Unfold (§7.3.1): a line starting with whitespace continues the previous header.
  const lines: string[] = [];
  let badFolding = false;
  for (const line of rawLines) {
    if (/^[ \t]/.test(line)) {
      if (lines.length < 2) badFolding = true;
      else lines[lines.length - 1] = `${lines[lines.length - 1]!.trimEnd()} ${line.trim()}`;
    } else lines.push(line);
  }
  const startLine = lines[0] ?? '';
  const req = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/2\.0$/.exec(startLine);
  const res = req ? null : /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);

  // Collect headers leniently first (so a 400 can still copy Via etc.), then judge.
  const headers: SipHeader[] = [];
  let badHeaderLine: string | undefined;
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z0-9\-.!%*_+`'~]+)[ \t]*:(.*)$/.exec(line);
    if (!m) {
      badHeaderLine ??= line;
      continue;
    }
    const lower = m[1]!.toLowerCase();
    const name = COMPACT[lower] ?? lower;
    const value = m[2]!.trim();
    if (SPLIT_LISTS.has(name)) for (const v of splitCommaList(value)) headers.push({ name, value: v });
    else headers.push({ name, value });
  }
  const first = (n: string) => headers.find((h) => h.name === n)?.value;
  const salvage: Salvage = {
    isRequest: !!req,
    method: req?.[1],
    vias: headers.filter((h) => h.name === 'via').map((h) => h.value),
    from: first('from'),
    to: first('to'),
    callId: first('call-id'),
    cseq: first('cseq'),
  };
  const fail = (reason: string): ParseResult => ({ ok: false, reason, salvage });

  if (!req && !res) return fail('bad start line');
  if (!found) return fail('no end of headers');
  if (req && !/^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]+$/.test(req[2]!)) return fail('bad Request-URI');
  if (badFolding) return fail('continuation line before any header');
  if (badHeaderLine !== undefined) return fail('bad header line');

  const vias: ViaValue[] = [];
  for (const v of salvage.vias) {
    const via = parseVia(v);
    if (!via) return fail('bad Via');
    vias.push(via);
  }
  if (vias.length === 0) return fail('missing Via');
  if (!salvage.callId) return fail('missing Call-ID');
  if (headers.filter((h) => h.name === 'call-id').length > 1) return fail('several Call-ID');
  if (!salvage.cseq) return fail('missing CSeq');
  const cseq = parseCSeq(salvage.cseq);
  if (!cseq) return fail('bad CSeq');
  if (req && cseq.method !== req[1]) return fail('CSeq method does not match request');
  const from = parseSingleAddr(headers, 'from');
  if (!from) return fail('missing or bad From');
  const to = parseSingleAddr(headers, 'to');
  if (!to) return fail('missing or bad To');

  // Content-Length framing (§18.3): shorter body than declared is malformed; extra bytes are dropped.
  const bodyAll = buf.subarray(split.bodyStart);
  const clValues = headers.filter((h) => h.name === 'content-length').map((h) => h.value);
  let body = bodyAll;
  if (clValues.length > 1 && new Set(clValues).size > 1) return fail('conflicting Content-Length');
  if (clValues.length > 0) {
    if (!/^\d{1,7}$/.test(clValues[0]!)) return fail('bad Content-Length');
    const cl = Number(clValues[0]);
    if (cl > bodyAll.length) return fail('body shorter than Content-Length');
    body = bodyAll.subarray(0, cl);
  }

  const base = { headers, body: Buffer.from(body), callId: salvage.callId, cseq, vias, from, to };
  if (req) return { ok: true, message: { kind: 'request', method: req[1]!, uri: req[2]!, ...base } };
  const status = Number(res![1]);
  if (status < 100 || status > 699) return fail('bad status code');
  return { ok: true, message: { kind: 'response', status, reason: res![2] ?? '', ...base } };
}

function parseSingleAddr(headers: SipHeader[], name: string): NameAddr | undefined {
  const values = headers.filter((h) => h.name === name);
  if (values.length !== 1) return undefined;
  return parseNameAddr(values[0]!.value);
}

/** Finds the blank line ending the headers; accepts bare LF as well as CRLF (robustness, §7.5 spirit). */
function findHeaderEnd(buf: Buffer, from: number): { headEnd: number; bodyStart: number } | undefined {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    // The head ends before this line break (and its CR, if any).
    const headEnd = i > 0 && buf[i - 1] === 0x0d ? i - 1 : i;
    if (buf[i + 1] === 0x0a) return { headEnd, bodyStart: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { headEnd, bodyStart: i + 3 };
  }
  return undefined;
}
