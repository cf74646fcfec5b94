import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Config } from './config.js';
import type { Schema } from './http/contract.js';

/** Where PBXs and test callers send SIP, as the API shows it (trunks, health). */
export type SipAddress = Schema<'SipAddress'>;

/**
 * This process's public SIP address. The bound port is known only once SIP listens (port 0 picks one),
 * so it is a holder the composition root fills in, like ThisNode; routes read it per request.
 */
export interface SipEndpoint {
  host: string;
  /** Undefined only for a process without SIP whose configured port is 0 (nothing to show). */
  port: number | undefined;
  /** PROLOPE_SIP_DOMAIN: each account's SIP domain is a label under it (sip-users/sip-domain.ts). */
  domain: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The address before SIP starts: PROLOPE_SIP_PUBLIC_HOST/PORT, else the bound host and configured port.
 * A wildcard bind says nothing about how to reach us, so then the API's public host or the machine's
 * first external IPv4 address stands in (behind NAT, set PROLOPE_SIP_PUBLIC_HOST).
 */
export function sipEndpoint(config: Pick<Config, 'sipHost' | 'sipPort' | 'sipPublicHost' | 'sipPublicPort' | 'publicUrl' | 'sipDomain'>): SipEndpoint {
  const host = config.sipPublicHost ?? (WILDCARDS.has(config.sipHost) ? reachableHost(config.publicUrl) : config.sipHost);
  const port = config.sipPublicPort ?? (config.sipPort === 0 ? undefined : config.sipPort);
  return { host, port, domain: config.sipDomain };
}

/** Fills in the port SIP actually bound (unless a public port was configured). */
export function sipListening(endpoint: SipEndpoint, config: Pick<Config, 'sipPublicPort'>, boundPort: number): void {
  if (config.sipPublicPort === undefined) endpoint.port = boundPort;
}

/** The address for API answers; null when there is none to show. */
export function sipAddressOf(endpoint: SipEndpoint): SipAddress | null {
  if (endpoint.port === undefined) return null;
  const host = isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  return { host: endpoint.host, port: endpoint.port, transport: 'udp', uri: `sip:${host}:${endpoint.port};transport=udp` };
}

function reachableHost(publicUrl: string | undefined): string {
  const hostname = publicUrl && URL.canParse(publicUrl) ? new URL(publicUrl).hostname : undefined;
  if (hostname) return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}
