import ipaddr from 'ipaddr.js';
import { ProblemError } from '../errors.js';

// Terms 5.3 require a static IP for SIP authentication: a block wider than a small office or hosting
// allocation is no longer "the customer's address" but a slice of someone's network.
const MAX_PREFIX = { ipv4: 24, ipv6: 48 } as const;

function isAddress(text: string): boolean {
  // Only the dotted-quad form for IPv4: ipaddr.js also reads "10.1" or "167772161" as addresses, which
  // in an allowlist is far more likely a typo than intent.
  return ipaddr.IPv4.isValidFourPartDecimal(text) || (ipaddr.IPv6.isValid(text) && !text.includes('%'));
}

/**
 * One allowlist entry to canonical CIDR: a bare address becomes /32 or /128, host bits are cleared
 * (`203.0.113.7/24` → `203.0.113.0/24`) and IPv6 is written in RFC 5952 form.
 */
export function normaliseCidr(input: string, param: string): string {
  const text = input.trim();
  const [address = '', prefix, ...rest] = text.split('/');
  const valid = isAddress(address) && rest.length === 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && ipaddr.isValidCIDR(text)));
  if (!valid) {
    throw new ProblemError(
      'invalid_cidr',
      `"${input}" is not an IP address or CIDR block. Use a dotted IPv4 address (203.0.113.5), an IPv6 address (2001:db8::5), or either with a prefix length (203.0.113.0/28).`,
      { param },
    );
  }
  const parsed = ipaddr.parse(address);
  const kind = parsed.kind();
  const bits = prefix === undefined ? (kind === 'ipv4' ? 32 : 128) : Number(prefix);
  if (bits < MAX_PREFIX[kind]) {
    throw new ProblemError(
      'cidr_too_broad',
      `"${input}" covers too many addresses: the terms require a static IP for SIP authentication (5.3), so blocks may be at most /${MAX_PREFIX[kind]} for ${kind === 'ipv4' ? 'IPv4' : 'IPv6'}. List the trunk's fixed addresses instead.`,
      { param },
    );
  }
  const network = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** Every entry of `allowed_ips` normalised, in order, without repeats; the first bad one is refused. */
export function normaliseAllowedIps(inputs: string[], pointer: string): string[] {
  const out = inputs.map((ip, i) => normaliseCidr(ip, `${pointer}/${i}`));
  return [...new Set(out)];
}

/** Whether an address (as a UDP source, IPv4 or IPv6, possibly IPv4-mapped) lies in a stored CIDR. */
export function addressInCidr(address: string, cidr: string): boolean {
  try {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    const range = ipaddr.parseCIDR(cidr);
    return parsed.kind() === range[0].kind() && parsed.match(range);
  } catch {
    return false;
  }
}
