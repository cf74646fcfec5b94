import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';

/** How long and how many sockets a client may hold. */
export interface HttpLimits {
  /** Time to send the complete request headers (PROLOPE_HEADERS_TIMEOUT_MS, default 10 000). */
  headersTimeoutMs: number;
  /** Time to send the complete request, headers and body (PROLOPE_REQUEST_TIMEOUT_MS, default 30 000). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (PROLOPE_KEEP_ALIVE_TIMEOUT_MS, default 72 000: longer than common load balancers' 60 s). */
  keepAliveTimeoutMs: number;
  /** Open connections per client address (PROLOPE_MAX_CONNECTIONS_PER_IP, default 100; 0: no cap). */
  maxConnectionsPerIp: number;
}

/** The slow-client defaults, for an app built without a config (tests, embedding). */
export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, maxConnectionsPerIp: 100 };

/** Fastify's trustProxy: nothing, a hop count, or the proxies' addresses and CIDR blocks. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'off' || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim());
  for (const entry of list) {
    const [address, bits, extra] = entry.split('/');
    const ok = PROXY_NAMES.has(entry) || (extra === undefined && isIP(address ?? '') !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits)));
    if (!ok) {
      throw new Error(
        `PROLOPE_TRUST_PROXY must be off, a number of proxy hops (1 behind one load balancer) or the proxies' addresses or CIDR blocks (10.0.0.0/8,loopback), got "${entry}". "true" is not accepted: it would let any client choose its IP by sending X-Forwarded-For.`,
      );
    }
  }
  return list;
}

/** Everything the server reads from its environment, read once. */
export interface Config {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Folder for the embedded SQLite file and other local state. */
  dataDir: string;
  /** PostgreSQL connection string; when set the server uses PostgreSQL instead of SQLite. */
  databaseUrl: string | undefined;
  /** SQLite's `synchronous` setting (PROLOPE_SQLITE_SYNCHRONOUS): `normal` (default) or `full`; see store/db.ts. */
  sqliteSynchronous: 'normal' | 'full';
  /** The platform operator's API key, when fixed by the environment. */
  operatorKey: string | undefined;
  /** Requests per second allowed per API key (PROLOPE_RATE_LIMIT); 0 turns every request limit off. */
  rateLimitPerSecond: number;
  /**
   * Requests per second per client IP that carry no key this process knows to be valid
   * (PROLOPE_RATE_LIMIT_IP, default 20): public endpoints, and missing, unknown, revoked or expired keys.
   */
  rateLimitPerIp: number;
  /**
   * Which proxies to believe about the client's address (PROLOPE_TRUST_PROXY): `false` (default: the
   * socket's address, X-Forwarded-For ignored), a number of proxy hops, or their addresses/CIDR blocks.
   */
  trustProxy: TrustProxy;
  /** Slow-client defences of the HTTP server (slow-loris): see {@link HttpLimits}. */
  http: HttpLimits;
  logLevel: string;
  /**
   * Development mode (any NODE_ENV but `production`) relaxes checks meant for the public internet:
   * webhook endpoints may then be on loopback or private addresses.
   */
  development: boolean;
  /**
   * Stock the ten free test numbers (+35929000001 to +35929000010) on a fresh store, so a new
   * developer can buy one at once (PROLOPE_TEST_NUMBERS=off to start with an empty inventory). Only
   * in development mode.
   */
  stockTestNumbers: boolean;
  /** CIDR blocks webhook endpoints may resolve to even outside development mode (PROLOPE_WEBHOOK_ALLOW, comma-separated). */
  webhookAllow: string[];
  /** Webhook requests in flight at once to one endpoint (PROLOPE_WEBHOOK_PER_ENDPOINT, default 64). */
  webhookPerEndpoint: number;
  /** Webhook requests in flight at once in this process (PROLOPE_WEBHOOK_MAX_IN_FLIGHT, default 128). */
  webhookMaxInFlight: number;
  /** SIP over UDP (terms 5.1: port 5060); 0 picks a free port (tests). */
  sipPort: number;
  /** The address SIP and RTP bind to and announce in SDP. */
  sipHost: string;
  /**
   * Where PBXs reach SIP from outside (PROLOPE_SIP_PUBLIC_HOST): shown on trunks and in health, and put in
   * our Contact and Via. Default: the bound address (for a wildcard bind, PROLOPE_PUBLIC_URL's host, else
   * the machine's first external IPv4 address). Set it behind NAT.
   */
  sipPublicHost: string | undefined;
  /**
   * The parent of every account's SIP domain (PROLOPE_SIP_DOMAIN, default `sip.localhost`): SIP users
   * register at `<account slug>.<this>`, so usernames never collide across accounts.
   */
  sipDomain: string;
  /** The SIP port PBXs reach from outside (PROLOPE_SIP_PUBLIC_PORT, e.g. a NAT's forwarded port); default: the bound port. */
  sipPublicPort: number | undefined;
  /** Even UDP ports for RTP, above 1024 (terms 5.1). */
  rtpPortRange: [number, number];
  /**
   * Worker threads that carry the embedded backend's RTP (PROLOPE_MEDIA_WORKERS): sockets and 20 ms
   * pacing off the main event loop, so SIP, the API and the store cannot delay a call's audio. 0 runs
   * media on the main loop (a fallback, and for comparison). Default: one per core. With drachtio the same
   * workers carry our media behind rtpengine (prompts, DTMF, recording, bridges, conferences).
   */
  mediaWorkers: number;
  /** Turns the embedded SIP endpoint off (an API-only process). */
  sipEnabled: boolean;
  /**
   * Digest-guessing defence (fail2ban-like): `maxFailures` failed authentications from one source address
   * within `windowSeconds` ban it for `banSeconds` (PROLOPE_SIP_BAN_FAILURES, default 10, 0 turns it off;
   * PROLOPE_SIP_BAN_WINDOW, default 60; PROLOPE_SIP_BAN_SECONDS, default 600).
   */
  sipBan: { maxFailures: number; windowSeconds: number; banSeconds: number };
  /**
   * REGISTER expirations in seconds (RFC 3261 §10): shorter than `minExpires` is refused with 423
   * (PROLOPE_SIP_MIN_EXPIRES, default 60), longer is cut to `maxExpires` (PROLOPE_SIP_MAX_EXPIRES, default
   * 3600), and a REGISTER that names none gets `defaultExpires` (the maximum). `algorithms`: the digest
   * algorithms a REGISTER challenge offers, in order (PROLOPE_SIP_REGISTER_DIGEST, default `MD5,SHA-256`).
   */
  sipRegister: { minExpires: number; maxExpires: number; defaultExpires: number; algorithms: Array<'MD5' | 'SHA-256'> };
  /**
   * This process's API address as recorded on the calls it carries (PROLOPE_NODE_URL, `owner_url`,
   * informative: live actions travel by node id, see `node`); default: the address it listens on.
   */
  nodeUrl: string | undefined;
  /**
   * With PostgreSQL and several server processes (calls/remote-control): this process's node id
   * (PROLOPE_NODE_ID, letters, digits, `_` and `-`, up to 48; default: one made at start), the lease it
   * renews, after which the others mark its calls failed (PROLOPE_NODE_LEASE_SECONDS, default 30), and
   * where live actions travel between processes: NATS when NATS_URL is set, else PostgreSQL LISTEN/NOTIFY.
   */
  node: { id: string | undefined; leaseSeconds: number; natsUrl: string | undefined };
  /** The API's public address (PROLOPE_PUBLIC_URL) for absolute URLs such as a recording's `media_url`; default: the address it listens on. */
  publicUrl: string | undefined;
  /**
   * Where voicemail messages are mailed from (boxes with an `email`): an SMTP URL
   * (PROLOPE_SMTP_URL, e.g. `smtp://user:pass@mail.example.com:587`; none: no email) and the sender
   * (PROLOPE_SMTP_FROM, default `voicemail@localhost`).
   */
  smtp: { url: string | undefined; from: string };
  /** `embedded` (default: SIP/RTP in this process) or `drachtio` (drachtio-server + rtpengine). */
  telephony: 'embedded' | 'drachtio';
  drachtio: { host: string; port: number; secret: string };
  /** checkIntervalMs: how often each call asks rtpengine whether it still has it; 0 never (RTPENGINE_CHECK_INTERVAL_MS). */
  rtpengine: { host: string; port: number; checkIntervalMs?: number };
  /** rtpengine's --recording-dir (pcap method), as this process sees it: recordings are made by rtpengine. Unset: in-process. */
  rtpengineRecordingDir: string | undefined;
  /**
   * With drachtio, the address our media plane's RTP legs put in the SDP they give rtpengine
   * (PROLOPE_MEDIA_ADVERTISED_ADDRESS, an IP address): needed when rtpengine reaches this process at
   * another address than the one it binds (PROLOPE_SIP_HOST), e.g. a wildcard bind or a container
   * network. Unset: the bound address.
   */
  mediaAdvertisedAddress: string | undefined;
  /**
   * The bootstrap carrier (`sip:host[:port]`): outbound calls without a SIP trunk go there only while no
   * carrier is enabled through `/v1/carriers`, which take precedence; undefined: none.
   */
  carrierUri: string | undefined;
  /** Digest username and password for the carrier, when it challenges our INVITEs. */
  carrierUsername: string | undefined;
  carrierPassword: string | undefined;
  /**
   * The key that encrypts secrets Prolope must read back (carriers' digest passwords), 32 bytes as 64 hex
   * characters or base64 (PROLOPE_SECRET_KEY). Unset: a key file in the data folder, made on first start;
   * processes sharing a PostgreSQL database must share the key.
   */
  secretKey: Buffer | undefined;
}

function secretKey(value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new Error('PROLOPE_SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. $(openssl rand -hex 32))');
  }
  return key;
}

function registerExpiry(env: NodeJS.ProcessEnv): Config['sipRegister'] {
  const minExpires = int('PROLOPE_SIP_MIN_EXPIRES', env.PROLOPE_SIP_MIN_EXPIRES, 60);
  const maxExpires = int('PROLOPE_SIP_MAX_EXPIRES', env.PROLOPE_SIP_MAX_EXPIRES, 3600);
  if (minExpires < 1 || maxExpires < minExpires) throw new Error(`PROLOPE_SIP_MIN_EXPIRES (${minExpires}) must be at least 1 and at most PROLOPE_SIP_MAX_EXPIRES (${maxExpires})`);
  const algorithms = (env.PROLOPE_SIP_REGISTER_DIGEST ?? 'MD5,SHA-256').split(',').map((a) => a.trim().toUpperCase());
  if (algorithms.length === 0 || algorithms.some((a) => a !== 'MD5' && a !== 'SHA-256')) {
    throw new Error(`PROLOPE_SIP_REGISTER_DIGEST must list MD5 and/or SHA-256 (e.g. MD5,SHA-256), got "${env.PROLOPE_SIP_REGISTER_DIGEST}"`);
  }
  return { minExpires, maxExpires, defaultExpires: maxExpires, algorithms: algorithms as Array<'MD5' | 'SHA-256'> };
}

function sipDomain(value: string | undefined): string {
  if (!value) return 'sip.localhost';
  // A DNS name: every account's domain is a label under it, and it goes into SIP URIs and digest realms.
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)) {
    throw new Error(`PROLOPE_SIP_DOMAIN must be a DNS name (e.g. sip.example.com), got "${value}"`);
  }
  return value.toLowerCase();
}

function publicHost(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (isIP(value)) return value;
  // It goes into SIP headers (Contact, Via): a name or an address, nothing that could end a header.
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)$/.test(value)) {
    throw new Error(`PROLOPE_SIP_PUBLIC_HOST must be a host name or IP address (e.g. sip.example.com or 203.0.113.7), got "${value}"`);
  }
  return value.startsWith('[') ? value.slice(1, -1) : value;
}

/** rtpengine sends to it as given (an SDP c= line), so an address, never a name to resolve. */
function mediaAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (isIP(value) === 0 || value === '0.0.0.0' || value === '::') {
    throw new Error(`PROLOPE_MEDIA_ADVERTISED_ADDRESS must be an IP address rtpengine can send to (e.g. 10.0.0.5), got "${value}"`);
  }
  return value;
}

function port(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port between 1 and 65535, got "${value}"`);
  return n;
}

function portRange(value: string | undefined): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(value ?? '20000-29999');
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo <= 1024 || hi > 65535 || lo >= hi) throw new Error(`PROLOPE_RTP_PORTS must look like 20000-29999 (above 1024), got "${value}"`);
  return [lo, hi];
}

function sqliteSynchronous(value: string | undefined): 'normal' | 'full' {
  const v = value?.toLowerCase();
  if (!v || v === 'normal') return 'normal';
  if (v === 'full') return 'full';
  throw new Error(`PROLOPE_SQLITE_SYNCHRONOUS must be normal or full, got "${value}"`);
}

function telephonyKind(value: string | undefined): 'embedded' | 'drachtio' {
  if (!value || value === 'embedded') return 'embedded';
  if (value === 'drachtio') return 'drachtio';
  throw new Error(`PROLOPE_TELEPHONY must be embedded or drachtio, got "${value}"`);
}

function carrierUri(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!/^sip:(?:[^@;?]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::\d{1,5})?(?:;.*)?$/i.test(value)) {
    throw new Error(`PROLOPE_CARRIER_URI must look like sip:carrier.example.com or sip:203.0.113.7:5060, got "${value}"`);
  }
  return value;
}

function nodeId(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  // It names a NATS subject token and a PostgreSQL channel: no dots, wildcards or spaces.
  if (!/^[A-Za-z0-9_-]{1,48}$/.test(value)) throw new Error(`PROLOPE_NODE_ID must be 1 to 48 letters, digits, "_" or "-", got "${value}"`);
  return value;
}

function leaseSeconds(value: string | undefined): number {
  const n = int('PROLOPE_NODE_LEASE_SECONDS', value, 30);
  if (n < 1) throw new Error(`PROLOPE_NODE_LEASE_SECONDS must be at least 1, got "${value}"`);
  return n;
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

function httpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const limits = {
    headersTimeoutMs: int('PROLOPE_HEADERS_TIMEOUT_MS', env.PROLOPE_HEADERS_TIMEOUT_MS, DEFAULT_HTTP_LIMITS.headersTimeoutMs),
    requestTimeoutMs: int('PROLOPE_REQUEST_TIMEOUT_MS', env.PROLOPE_REQUEST_TIMEOUT_MS, DEFAULT_HTTP_LIMITS.requestTimeoutMs),
    keepAliveTimeoutMs: int('PROLOPE_KEEP_ALIVE_TIMEOUT_MS', env.PROLOPE_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs),
    maxConnectionsPerIp: int('PROLOPE_MAX_CONNECTIONS_PER_IP', env.PROLOPE_MAX_CONNECTIONS_PER_IP, DEFAULT_HTTP_LIMITS.maxConnectionsPerIp),
  };
  // 0 would mean "never", which is the hole these close.
  for (const [name, value] of [
    ['PROLOPE_HEADERS_TIMEOUT_MS', limits.headersTimeoutMs],
    ['PROLOPE_REQUEST_TIMEOUT_MS', limits.requestTimeoutMs],
    ['PROLOPE_KEEP_ALIVE_TIMEOUT_MS', limits.keepAliveTimeoutMs],
  ] as const) {
    if (value < 100) throw new Error(`${name} must be at least 100 (milliseconds), got ${value}`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `PROLOPE_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed PROLOPE_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs}): the headers are part of the request.`,
    );
  }
  return limits;
}

/** Builds the config from environment variables, with embedded defaults for a laptop. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    port: int('PROLOPE_PORT', env.PROLOPE_PORT, 3000),
    host: env.PROLOPE_HOST || '127.0.0.1',
    dataDir: resolve(env.PROLOPE_DATA_DIR || '.prolope'),
    databaseUrl: env.DATABASE_URL || undefined,
    sqliteSynchronous: sqliteSynchronous(env.PROLOPE_SQLITE_SYNCHRONOUS),
    operatorKey: env.PROLOPE_OPERATOR_KEY || undefined,
    rateLimitPerSecond: int('PROLOPE_RATE_LIMIT', env.PROLOPE_RATE_LIMIT, 100),
    rateLimitPerIp: int('PROLOPE_RATE_LIMIT_IP', env.PROLOPE_RATE_LIMIT_IP, 20),
    trustProxy: trustProxy(env.PROLOPE_TRUST_PROXY),
    http: httpLimits(env),
    logLevel: env.PROLOPE_LOG_LEVEL || 'info',
    development: env.NODE_ENV !== 'production',
    stockTestNumbers: env.NODE_ENV !== 'production' && env.PROLOPE_TEST_NUMBERS !== 'off',
    webhookAllow: (env.PROLOPE_WEBHOOK_ALLOW ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    webhookPerEndpoint: int('PROLOPE_WEBHOOK_PER_ENDPOINT', env.PROLOPE_WEBHOOK_PER_ENDPOINT, 64),
    webhookMaxInFlight: int('PROLOPE_WEBHOOK_MAX_IN_FLIGHT', env.PROLOPE_WEBHOOK_MAX_IN_FLIGHT, 128),
    sipPort: int('PROLOPE_SIP_PORT', env.PROLOPE_SIP_PORT, 5060),
    sipHost: env.PROLOPE_SIP_HOST || env.PROLOPE_HOST || '127.0.0.1',
    sipPublicHost: publicHost(env.PROLOPE_SIP_PUBLIC_HOST),
    sipPublicPort: port('PROLOPE_SIP_PUBLIC_PORT', env.PROLOPE_SIP_PUBLIC_PORT),
    sipDomain: sipDomain(env.PROLOPE_SIP_DOMAIN),
    rtpPortRange: portRange(env.PROLOPE_RTP_PORTS),
    mediaWorkers: int('PROLOPE_MEDIA_WORKERS', env.PROLOPE_MEDIA_WORKERS, availableParallelism()),
    sipEnabled: env.PROLOPE_SIP !== 'off',
    sipBan: {
      maxFailures: int('PROLOPE_SIP_BAN_FAILURES', env.PROLOPE_SIP_BAN_FAILURES, 10),
      windowSeconds: int('PROLOPE_SIP_BAN_WINDOW', env.PROLOPE_SIP_BAN_WINDOW, 60),
      banSeconds: int('PROLOPE_SIP_BAN_SECONDS', env.PROLOPE_SIP_BAN_SECONDS, 600),
    },
    sipRegister: registerExpiry(env),
    publicUrl: env.PROLOPE_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    smtp: { url: env.PROLOPE_SMTP_URL || undefined, from: env.PROLOPE_SMTP_FROM || 'voicemail@localhost' },
    nodeUrl: env.PROLOPE_NODE_URL?.replace(/\/+$/, '') || undefined,
    node: { id: nodeId(env.PROLOPE_NODE_ID), leaseSeconds: leaseSeconds(env.PROLOPE_NODE_LEASE_SECONDS), natsUrl: env.NATS_URL || undefined },
    telephony: telephonyKind(env.PROLOPE_TELEPHONY),
    drachtio: { host: env.DRACHTIO_HOST || '127.0.0.1', port: int('DRACHTIO_PORT', env.DRACHTIO_PORT, 9022), secret: env.DRACHTIO_SECRET || 'cymru' },
    rtpengine: {
      host: env.RTPENGINE_HOST || '127.0.0.1',
      port: int('RTPENGINE_PORT', env.RTPENGINE_PORT, 22222),
      checkIntervalMs: int('RTPENGINE_CHECK_INTERVAL_MS', env.RTPENGINE_CHECK_INTERVAL_MS, 5000),
    },
    rtpengineRecordingDir: env.RTPENGINE_RECORDING_DIR || undefined,
    mediaAdvertisedAddress: mediaAddress(env.PROLOPE_MEDIA_ADVERTISED_ADDRESS),
    carrierUri: carrierUri(env.PROLOPE_CARRIER_URI),
    carrierUsername: env.PROLOPE_CARRIER_USERNAME || undefined,
    carrierPassword: env.PROLOPE_CARRIER_PASSWORD || undefined,
    secretKey: secretKey(env.PROLOPE_SECRET_KEY),
    ...overrides,
  };
}
