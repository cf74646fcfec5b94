import type { CSeqValue, NameAddr, ViaValue } from './sip-message.js';

/**
 * Parsers for the structured header values we rely on (Via, CSeq, name-addr, parameters). They
 * return `undefined` on bad input instead of throwing, so the message parser can turn any failure
 * into a 400 or a drop without try/catch around every call.
 */

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** RFC 3261 `token` (§25.1). */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/**
 * Splits a header value on commas that are outside quotes and angle brackets — how several Via,
 * Route or Contact values share one header line (§7.3.1).
 */
export function splitCommaList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (inQuotes) {
      cur += c;
      if (c === '\\' && i + 1 < value.length) cur += value[++i];
      else if (c === '"') inQuotes = false;
      continue;
    }
    if (c === '"') inQuotes = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === ',' && !inAngle) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur.trim());
  return out.filter((s) => s.length > 0);
}

/** Parses `;a=b;c` (the leading `;` optional) into lower-case keys; undefined if malformed. */
export function parseParams(s: string): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const trimmed = s.trim();
  if (trimmed === '') return params;
  const parts = trimmed.replace(/^;/, '').split(';');
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') return undefined;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!isToken(key)) return undefined;
    let val = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (val.startsWith('"')) {
      if (val.length < 2 || !val.endsWith('"')) return undefined;
      val = val.slice(1, -1);
    }
    params[key] = val;
  }
  return params;
}

/** Parses one Via value: `SIP/2.0/UDP host[:port];params`. */
export function parseVia(value: string): ViaValue | undefined {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?:\s*:\s*(\d{1,5}))?\s*((?:;.*)?)$/.exec(value.trim());
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const params = parseParams(m[4] ?? '');
  if (!params) return undefined;
  return { transport: m[1]!.toUpperCase(), host: m[2]!, port, params };
}

/** Parses `CSeq: 42 INVITE`. The number must fit 2^31 (§8.1.1.5). */
export function parseCSeq(value: string): CSeqValue | undefined {
  const m = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(value.trim());
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq >= 2 ** 31) return undefined;
  return { seq, method: m[2]! };
}

/**
 * Parses a name-addr (`"Bob" <sip:bob@host>;tag=1`) or addr-spec (`sip:bob@host;tag=1`). In the
 * addr-spec form, everything after the first `;` is a header parameter, per §20.10.
 */
export function parseNameAddr(value: string): NameAddr | undefined {
  const v = value.trim();
  let uri: string;
  let rest: string;
  const lt = indexOutsideQuotes(v, '<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return undefined;
    const display = v.slice(0, lt).trim();
    if (display !== '' && !/^"(?:[^"\\]|\\.)*"$/.test(display) && !/^[A-Za-z0-9\-.!%*_+`'~\s]+$/.test(display)) return undefined;
    uri = v.slice(lt + 1, gt).trim();
    rest = v.slice(gt + 1);
  } else {
    const semi = v.indexOf(';');
    uri = semi < 0 ? v : v.slice(0, semi);
    rest = semi < 0 ? '' : v.slice(semi);
  }
  if (!/^[A-Za-z][A-Za-z0-9+\-.]*:\S+$/.test(uri)) return undefined;
  const trimmedRest = rest.trim();
  if (trimmedRest !== '' && !trimmedRest.startsWith(';')) return undefined;
  const params = parseParams(trimmedRest);
  if (!params) return undefined;
  return { uri, params };
}

function indexOutsideQuotes(s: string, ch: string): number {
  let inQuotes = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === ch) return i;
  }
  return -1;
}

/**
 * The user part of a SIP/SIPS/TEL URI, percent-decoded (`sip:%2B331@h` → `+331`); '' when the URI
 * has no user part. `tel:` URIs yield the number.
 */
export function uriUser(uri: string): string {
  const m = /^(sips?|tel):([^;?]*)/i.exec(uri.trim());
  if (!m) return '';
  let user: string;
  if (m[1]!.toLowerCase() === 'tel') user = m[2]!;
  else {
    const at = m[2]!.lastIndexOf('@');
    if (at < 0) return '';
    user = m[2]!.slice(0, at);
    const colon = user.indexOf(':'); // user:password (deprecated, §19.1.1) — never expose the password
    if (colon >= 0) user = user.slice(0, colon);
  }
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** Host and port of a SIP URI (`sip:u@h:5070;lr` → {h, 5070}); undefined if not a sip(s) URI. */
export function uriHostPort(uri: string): { host: string; port: number | undefined } | undefined {
  const m = /^sips?:(?:[^@;?]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::(\d{1,5}))?/i.exec(uri.trim());
  if (!m) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port: m[2] === undefined ? undefined : Number(m[2]) };
}
