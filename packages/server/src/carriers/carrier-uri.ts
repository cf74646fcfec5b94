import { isIP } from 'node:net';
import { ProblemError } from '../errors.js';

/** A carrier URI taken apart: the host to resolve, the UDP port, and `host[:port]` for Request-URIs. */
export interface CarrierTarget {
  host: string;
  port: number;
  /** `host[:port]` as written (IPv6 in brackets), for `sip:<E.164>@<uriHost>`. */
  uriHost: string;
}

const DEFAULT_PORT = 5060;
const HOST_NAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function invalid(uri: string, why: string): ProblemError {
  return new ProblemError('invalid_carrier_uri', `"${uri}" is not a carrier URI Prolope can dial: ${why}`, { param: '/body/uri' });
}

/**
 * Checks `sip:host[:port][;transport=udp]` beyond the spec's pattern: a real host name or IP address
 * (IPv6 in brackets), a port in range, UDP only (the embedded stack speaks SIP over UDP: terms 5.1),
 * and no user part (the Request-URI's user is the dialled number). Answers the parts.
 */
export function parseCarrierUri(uri: string): CarrierTarget {
  const m = /^sip:(?:\[([0-9A-Fa-f:.]+)\]|([^:;@[\]]+))(?::(\d{1,5}))?((?:;[^;]*)*)$/i.exec(uri);
  if (/^sips:/i.test(uri)) throw invalid(uri, 'Prolope dials carriers over UDP only; use sip: (not sips:).');
  if (uri.includes('@'))
    throw invalid(
      uri,
      'leave out the user part (sip:host[:port]); the Request-URI carries the dialled number, and digest credentials go in username and password.',
    );
  if (!m) throw invalid(uri, 'write it as sip:host[:port], e.g. sip:sip.carrier.example or sip:203.0.113.7:5080 (IPv6 as sip:[2001:db8::7]:5080).');
  const [, v6, name, portText, params] = m;
  const host = (v6 ?? name) as string;
  if (v6 !== undefined ? isIP(v6) !== 6 : !(isIP(host) === 4 || (HOST_NAME.test(host) && !/^[0-9.]+$/.test(host)))) {
    throw invalid(uri, `"${host}" is not a host name or IP address${v6 === undefined && host.includes(':') ? ' (write IPv6 addresses in brackets)' : ''}.`);
  }
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (port < 1 || port > 65535) throw invalid(uri, `port ${portText} is outside 1-65535.`);
  for (const param of (params ?? '').split(';').filter(Boolean)) {
    const [key = '', value = ''] = param.split('=');
    if (key.toLowerCase() === 'transport' && value.toLowerCase() !== 'udp') {
      throw invalid(uri, `transport=${value} is not supported; Prolope sends SIP over UDP only (terms 5.1).`);
    }
  }
  const bracketed = v6 !== undefined ? `[${host}]` : host;
  return { host, port, uriHost: portText === undefined ? bracketed : `${bracketed}:${port}` };
}
