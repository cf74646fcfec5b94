import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses webhook deliveries may reach (SSRF). A customer's URL is fetched from inside our
 * network, so without this rule `http://169.254.169.254/` or `http://10.0.0.5:5432/` would let any
 * account probe it. Public unicast only, unless the server runs in development mode (a laptop,
 * where the receiver is on localhost) or the operator allow-lists a block.
 */
export interface UrlPolicy {
  allowPrivate: boolean;
  allow: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export function urlPolicy(opts: { development: boolean; webhookAllow: readonly string[] }): UrlPolicy {
  return {
    allowPrivate: opts.development,
    allow: opts.webhookAllow.map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`);
      } catch {
        throw new Error(`PROLOPE_WEBHOOK_ALLOW: "${cidr}" is not an IP address or CIDR block (e.g. 10.1.2.0/24)`);
      }
    }),
  };
}

/** Why `address` may not be reached, or undefined when it may. */
export function refusedAddress(address: string, policy: UrlPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = parseAddress(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:10.0.0.1 is 10.0.0.1 on the wire.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    // ::/96 (IPv4-compatible, deprecated by RFC 4291 §2.5.5.1): ipaddr.js calls ::7f00:1 unicast, but a
    // stack may still carry it to 127.0.0.1, so it is never reached, whatever the policy (:: and ::1 have their own ranges).
    else if (isIpv4Compatible(v6)) return `${address} is an IPv4-compatible IPv6 address (::/96)`;
  }
  if (policy.allow.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))) return undefined;
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (policy.allowPrivate && ['private', 'loopback', 'uniqueLocal', 'linkLocal', 'carrierGradeNat'].includes(range)) return undefined;
  return `${address} is a ${range} address`;
}

/**
 * ipaddr.parse, except that an IPv6 address written with a dotted tail is read as the URL parser and
 * the socket read it: ipaddr.js 2.x turns `::127.0.0.1` into `::ffff:127.0.0.1` (IPv4-mapped), while
 * `new URL('http://[::127.0.0.1]/')` and connect() mean `::7f00:1`.
 */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(%.*)?$/.exec(address);
  if (!dotted) return ipaddr.parse(address);
  const [a, b, c, d] = dotted.slice(2, 6).map(Number) as [number, number, number, number];
  const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  return ipaddr.parse(`${dotted[1]}${hex}${dotted[6] ?? ''}`);
}

function isIpv4Compatible(v6: ipaddr.IPv6): boolean {
  const p = v6.parts;
  if (p.slice(0, 6).some((x) => x !== 0)) return false;
  // :: is unspecified and ::1 loopback: their ranges say so.
  return !(p[6] === 0 && (p[7] === 0 || p[7] === 1));
}

/**
 * Checks a webhook URL when it is saved: http(s), no credentials, and a host that resolves only to
 * addresses the policy allows. Deliveries check again when they connect (DNS may change).
 * Returns why it is refused, or undefined.
 */
export async function refusedUrl(url: string, policy: UrlPolicy, resolve = lookup): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `${parsed.protocol} is not http or https`;
  if (parsed.username || parsed.password) return 'URLs with a user name or password are not allowed; authenticate with the signature';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = (await resolve(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch (err) {
      return `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`;
    }
  }
  for (const address of addresses) {
    const why = refusedAddress(address, policy);
    if (why) return address === host ? why : `${host} resolves to ${address}, and ${why}`;
  }
  return undefined;
}
