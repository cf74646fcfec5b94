import { isIP } from 'node:net';
import { dialableCarriers } from '../carriers/service.js';
import type { Config } from '../config.js';
import { ProblemError } from '../errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db } from '../store/db.js';
import { findSipTrunk } from '../sip-trunks/service.js';
import { DEFAULT_SIP_PORT, parseOutboundTarget } from '../sip-trunks/outbound-target.js';

/** One place an outbound INVITE may go: a trunk's PBX or one of the operator's carriers. */
export interface OutboundRoute {
  /** For logs (the operator's view): `carrier car_... (Name)`, `PROLOPE_CARRIER_URI`, `trunk trk_...`. */
  label: string;
  /** For the call record (the customer's view): never a carrier's name or address. */
  peer: string;
  /** A name to resolve or an IP address, and the UDP port. */
  host: string;
  port: number;
  /** `host[:port]` for `sip:<E.164>@<uriHost>`. */
  uriHost: string;
  trunkId: string | null;
  credentials: { username: string; password: string } | undefined;
  /** Set when the route cannot be used (its stored password does not open): it fails without an INVITE. */
  unusable?: string;
}

/** The bootstrap carrier of the operator's config. */
export type CarrierConfig = Pick<Config, 'carrierUri' | 'carrierUsername' | 'carrierPassword'>;

/** Where the carriers come from: the table (per call, so changes apply without a restart) and the config. */
export interface CarrierSources {
  secrets: SecretBox;
  bootstrap: CarrierConfig;
  log: { error(obj: object, msg: string): void };
}

/** `sip:[user@]host[:port][;params]` → host and port; undefined when it is not a SIP URI. */
export function sipUriHostPort(uri: string): { host: string; port: number | undefined } | undefined {
  const m = /^sips?:(?:[^@;?]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::(\d{1,5}))?(?:[;?].*)?$/i.exec(uri.trim());
  if (!m) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * The routes of an outbound call, in the order to try them: the trunk's PBX when a trunk is named (its
 * `outbound_target`, else its first single-address allowed IP on 5060); else the enabled carriers by
 * priority, or, while none is enabled, the bootstrap carrier of PROLOPE_CARRIER_URI. Refuses with 422
 * when there is none.
 */
export async function outboundRoutes(db: Db, accountId: string, trunkId: string | undefined, carriers: CarrierSources): Promise<OutboundRoute[]> {
  if (trunkId !== undefined) return [await trunkRoute(db, accountId, trunkId)];
  const routes = (await dialableCarriers(db, carriers.secrets, carriers.log)).map(
    (c): OutboundRoute => ({
      label: `carrier ${c.id} (${c.name})`,
      peer: 'the carrier',
      host: c.host,
      port: c.port,
      uriHost: c.uriHost,
      trunkId: null,
      credentials: c.credentials,
      ...(c.unusable ? { unusable: c.unusable } : {}),
    }),
  );
  if (routes.length > 0) return routes;
  const bootstrap = bootstrapRoute(carriers.bootstrap);
  if (bootstrap) return [bootstrap];
  throw new ProblemError(
    'no_route',
    'This Prolope has no carrier for outbound calls: the operator adds one with POST /v1/carriers (or sets PROLOPE_CARRIER_URI, e.g. sip:carrier.example.com:5060). Or give sip_trunk_id to call through your own PBX.',
    { param: '/body/sip_trunk_id' },
  );
}

async function trunkRoute(db: Db, accountId: string, trunkId: string): Promise<OutboundRoute> {
  const trunk = await findSipTrunk(db, accountId, trunkId);
  if (!trunk) {
    throw new ProblemError(
      'invalid_reference',
      `No SIP trunk ${trunkId} on this account. Create it with POST /v1/sip-trunks, or use the id of one listed by GET /v1/sip-trunks.`,
      { param: '/body/sip_trunk_id' },
    );
  }
  const target = trunk.outbound_target !== null ? parseOutboundTarget(trunk.outbound_target) : firstSingleAddress(trunk.allowed_ips);
  if (!target) {
    throw new ProblemError(
      'no_route',
      `SIP trunk ${trunkId} lists only address blocks in allowed_ips, so there is no PBX address to call. Set its outbound_target (e.g. 203.0.113.5:5060, inside allowed_ips), or add the PBX's own address.`,
      { param: '/body/sip_trunk_id' },
    );
  }
  const host = isIP(target.address) === 6 ? `[${target.address}]` : target.address;
  return {
    label: `trunk ${trunk.id}`,
    peer: `the PBX of trunk ${trunk.id} (${host}:${target.port})`,
    host: target.address,
    port: target.port,
    uriHost: target.port === DEFAULT_SIP_PORT ? host : `${host}:${target.port}`,
    trunkId: trunk.id,
    credentials: undefined,
  };
}

/** PROLOPE_CARRIER_URI (checked by config) with its credentials; undefined when unset. */
function bootstrapRoute(config: CarrierConfig): OutboundRoute | undefined {
  const hp = config.carrierUri ? sipUriHostPort(config.carrierUri) : undefined;
  if (!hp) return undefined;
  const host = isIP(hp.host) === 6 ? `[${hp.host}]` : hp.host;
  const credentials = config.carrierUsername && config.carrierPassword ? { username: config.carrierUsername, password: config.carrierPassword } : undefined;
  return {
    label: 'PROLOPE_CARRIER_URI',
    peer: 'the carrier',
    host: hp.host,
    port: hp.port ?? DEFAULT_SIP_PORT,
    uriHost: hp.port ? `${host}:${hp.port}` : host,
    trunkId: null,
    credentials,
  };
}

/** An allowlist entry that names one host (`203.0.113.5`, `/32`, `/128`), as address and the SIP port. */
function firstSingleAddress(allowedIps: string): { address: string; port: number } | undefined {
  for (const entry of JSON.parse(allowedIps) as string[]) {
    const [address, prefix] = entry.split('/');
    if (!address || !isIP(address)) continue;
    if (prefix === undefined || (isIP(address) === 4 && prefix === '32') || (isIP(address) === 6 && prefix === '128'))
      return { address, port: DEFAULT_SIP_PORT };
  }
  return undefined;
}
