import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import { ProblemError } from '../errors.js';
import type { Db } from '../store/db.js';
import { findSipTrunk } from '../sip-trunks/store.js';

/** Where an outbound call goes: the socket for the INVITE, the host part of its Request-URI, and how to authenticate. */
export interface OutboundRoute {
  destination: { address: string; port: number };
  /** `host[:port]` for `sip:<E.164>@<uriHost>`. */
  uriHost: string;
  trunkId: string | null;
  credentials: { username: string; password: string } | undefined;
}

/** The carrier settings of the operator's config. */
export type CarrierConfig = Pick<Config, 'carrierUri' | 'carrierUsername' | 'carrierPassword'>;

const SIP_PORT = 5060;

/** `sip:[user@]host[:port][;params]` → host and port; undefined when it is not a SIP URI. */
export function sipUriHostPort(uri: string): { host: string; port: number | undefined } | undefined {
  const m = /^sips?:(?:[^@;?]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::(\d{1,5}))?(?:[;?].*)?$/i.exec(uri.trim());
  if (!m) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * The route of an outbound call: the trunk's PBX (its first single-address allowed IP, UDP 5060: terms
 * 5.1) when a trunk is named, else the operator's carrier (PROLOPE_CARRIER_URI, with its digest
 * credentials). Refuses with 422 when there is neither.
 */
export async function outboundRoute(db: Db, accountId: string, trunkId: string | undefined, carrier: CarrierConfig): Promise<OutboundRoute> {
  if (trunkId !== undefined) {
    const trunk = await findSipTrunk(db, accountId, trunkId);
    if (!trunk) {
      throw new ProblemError(
        'invalid_reference',
        `No SIP trunk ${trunkId} on this account. Create it with POST /v1/sip-trunks, or use the id of one listed by GET /v1/sip-trunks.`,
        { param: '/body/sip_trunk_id' },
      );
    }
    const host = (JSON.parse(trunk.allowed_ips) as string[]).map(singleAddress).find((a): a is string => a !== undefined);
    if (!host) {
      throw new ProblemError(
        'no_route',
        `SIP trunk ${trunkId} lists only address blocks in allowed_ips, so there is no PBX address to call. Add the PBX's own address (e.g. 203.0.113.5).`,
        {
          param: '/body/sip_trunk_id',
        },
      );
    }
    const uriHost = isIP(host) === 6 ? `[${host}]` : host;
    return { destination: { address: host, port: SIP_PORT }, uriHost, trunkId: trunk.id, credentials: undefined };
  }
  const hp = carrier.carrierUri ? sipUriHostPort(carrier.carrierUri) : undefined;
  if (!hp) {
    throw new ProblemError(
      'no_route',
      'This Prolope has no carrier for outbound calls: the operator sets PROLOPE_CARRIER_URI (e.g. sip:carrier.example.com:5060). Or give sip_trunk_id to call through your own PBX.',
      { param: '/body/sip_trunk_id' },
    );
  }
  const address = isIP(hp.host) ? hp.host : (await lookup(hp.host, { family: 4 })).address;
  const port = hp.port ?? SIP_PORT;
  const host = isIP(hp.host) === 6 ? `[${hp.host}]` : hp.host;
  const credentials = carrier.carrierUsername && carrier.carrierPassword ? { username: carrier.carrierUsername, password: carrier.carrierPassword } : undefined;
  return { destination: { address, port }, uriHost: hp.port ? `${host}:${hp.port}` : host, trunkId: null, credentials };
}

/** An allowlist entry that names one host (`203.0.113.5`, `/32`, `/128`), as a bare address. */
function singleAddress(entry: string): string | undefined {
  const [address, prefix] = entry.split('/');
  if (!address || !isIP(address)) return undefined;
  if (prefix === undefined || (isIP(address) === 4 && prefix === '32') || (isIP(address) === 6 && prefix === '128')) return address;
  return undefined;
}
