import ipaddr from 'ipaddr.js';
import { ProblemError } from '../errors.js';
import { addressInCidr } from './allowed-ips.js';

/** Where a trunk's outbound calls go: an address inside its allowlist and a UDP port. */
export interface OutboundTarget {
  address: string;
  port: number;
}

/** The port terms 5.1 name for SIP; a target without one uses it. */
export const DEFAULT_SIP_PORT = 5060;

function invalid(input: string, param: string, why: string): ProblemError {
  return new ProblemError('invalid_outbound_target', `"${input}" is not a usable outbound_target: ${why}`, { param });
}

/**
 * `203.0.113.5`, `203.0.113.5:5080` or `[2001:db8::5]:5080` to address and port, checked against the
 * trunk's allowlist: terms 5.3 tie a trunk to the PBX's static addresses, so calls out may go to one of
 * them only (and never to someone else's host). Answers the canonical `ip[:port]` text to store.
 */
export function normaliseOutboundTarget(input: string, allowedIps: string[], param: string): string {
  const text = input.trim();
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(text);
  const address = m?.[1] ?? m?.[2];
  if (!m || !address || !(m[1] ? ipaddr.IPv6.isValid(address) : ipaddr.IPv4.isValidFourPartDecimal(address))) {
    throw invalid(input, param, 'write the PBX address as ip[:port], e.g. 203.0.113.5:5080 or [2001:db8::5]:5080 (a static address, no host name: terms 5.3).');
  }
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) throw invalid(input, param, 'the port must be between 1 and 65535.');
  const canonical = ipaddr.parse(address).toString();
  if (!allowedIps.some((cidr) => addressInCidr(canonical, cidr))) {
    throw invalid(
      input,
      param,
      `${canonical} is not inside allowed_ips (${allowedIps.join(', ')}). Add it there first: the trunk's PBX is the only place its calls may go.`,
    );
  }
  const host = m[1] ? `[${canonical}]` : canonical;
  return port === undefined ? host : `${host}:${port}`;
}

/** A stored target back to address and port. */
export function parseOutboundTarget(stored: string): OutboundTarget {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(stored);
  return { address: (m?.[1] ?? m?.[2]) as string, port: m?.[3] === undefined ? DEFAULT_SIP_PORT : Number(m[3]) };
}
