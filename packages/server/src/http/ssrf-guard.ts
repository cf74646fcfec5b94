import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { refusedAddress, type UrlPolicy } from './url-policy.js';

/** A connection the SSRF rules refused; its message is the reason shown in the attempt. */
export class RefusedAddressError extends Error {
  readonly code = 'PROLOPE_REFUSED_ADDRESS';
}

/**
 * Resolves like dns.lookup but only hands the connection addresses the policy allows, so the name
 * is checked at the moment of connecting: a name that resolved to a public address when the
 * endpoint was saved and to 10.0.0.5 now (DNS rebinding) never reaches 10.0.0.5.
 */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => !refusedAddress(a.address, policy));
      const first = allowed[0];
      if (!first) {
        const address = addresses[0]?.address ?? '';
        return callback(new RefusedAddressError(`${hostname} resolves to ${address}, and ${refusedAddress(address, policy)}`), '', 0);
      }
      // net.connect asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici connector that refuses what the policy refuses: an IP literal before any packet is
 * sent, a name through guardedLookup, and, whatever path the socket took, its actual peer address
 * once connected.
 */
export function guardedConnector(policy: UrlPolicy, timeoutMs: number, lookup: LookupFunction = guardedLookup(policy)): buildConnector.connector {
  // `lookup` is a parameter so a test can hand over a resolver that lies (a rebinding between our check
  // and the kernel's connect) and prove the peer-address check alone stops it.
  const connect = buildConnector({ lookup, timeout: timeoutMs });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host) ? refusedAddress(host, policy) : undefined;
    if (literal) return callback(new RefusedAddressError(literal), null);
    connect(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const peer = (socket as Socket).remoteAddress;
      const why = peer ? refusedAddress(peer, policy) : `${host}: the connection has no peer address`;
      if (why) {
        socket.destroy();
        return callback(new RefusedAddressError(why), null);
      }
      callback(null, socket);
    });
  };
}
