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
  let parsed = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is 10.0.0.1 on the wire.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (policy.allow.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))) return undefined;
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (policy.allowPrivate && ['private', 'loopback', 'uniqueLocal', 'linkLocal', 'carrierGradeNat'].includes(range)) return undefined;
  return `${address} is a ${range} address`;
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
