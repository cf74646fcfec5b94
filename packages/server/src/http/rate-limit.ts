import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ProblemError } from '../errors.js';
import type { Authenticator } from './auth.js';

export interface RateLimits {
  /** Requests per second per API key (PROLOPE_RATE_LIMIT); 0 turns every request limit off. */
  perKey: number;
  /** Requests per second per client IP without a valid key (PROLOPE_RATE_LIMIT_IP); 0: none. */
  perIp: number;
}

/** Only what the limiter reads of a request, so a WebSocket upgrade (no Fastify request) can be charged too. */
export interface Chargeable {
  ip: string;
  headers: FastifyRequest['headers'];
}

export interface Limiter {
  /** Charges one request to the key `keyId`; throws 429 past the limit. Sets RateLimit-* headers when given a reply. */
  chargeKey(req: Chargeable, keyId: string, reply?: FastifyReply): Promise<void>;
  /** Charges one request without a valid key to its client IP; throws 429 past the limit. */
  chargeIp(req: Chargeable, reply?: FastifyReply): Promise<void>;
  /** Wraps an authentication hook: the request is then charged to its key, or to its IP when authentication fails. */
  authenticated(authHook: onRequestHookHandler): onRequestHookHandler;
}

/** A limiter that counts nothing (PROLOPE_RATE_LIMIT=0). */
const unlimited: Limiter = {
  chargeKey: async () => {},
  chargeIp: async () => {},
  authenticated: (authHook) => authHook,
};

// The bucket of the request being charged; the plugin's key generator reads it.
const bucketOf = new WeakMap<Chargeable, string>();
const charged = Symbol('prolope.rateLimitCharged');

/**
 * Per-key and per-IP limits with RateLimit-* headers (IETF draft) and 429 problem+json with Retry-After.
 *
 * A request is charged once: to its API key by the key's id once authentication has parsed and checked
 * it (so `bearer`, extra spaces or any other spelling of one key share one budget), or to its client
 * IP when it carries no valid key: public endpoints, and every request whose authentication fails
 * (missing, mistyped, unknown, revoked or expired key), so guessing keys meets 429 like anything else.
 * A key this process already knows as valid is charged before authentication runs; a valid key is never
 * charged to its IP, so a client keeps working while others flood from the same address (a NAT).
 * `req.ip` honours PROLOPE_TRUST_PROXY (Fastify's trustProxy). Counting is @fastify/rate-limit's
 * (fixed one-second windows, in this process's memory); only the choice of bucket is ours.
 */
export async function registerRateLimit(app: FastifyInstance, limits: RateLimits, auth: Authenticator): Promise<Limiter> {
  if (limits.perKey === 0) return unlimited;
  await app.register(rateLimit, { global: false });
  const count = app.createRateLimit({
    timeWindow: 1000,
    keyGenerator: (req) => bucketOf.get(req) ?? `ip:${req.ip}`,
    // A per-IP limit of 0 means none: allowList answers before anything is counted.
    allowList: (_req, key) => limits.perIp === 0 && key.startsWith('ip:'),
    max: (_req, key) => (key.startsWith('k:') ? limits.perKey : limits.perIp),
  });

  async function charge(req: Chargeable, bucket: string, reply: FastifyReply | undefined): Promise<void> {
    const marked = req as Chargeable & { [charged]?: boolean };
    if (marked[charged]) return;
    marked[charged] = true;
    bucketOf.set(req, bucket);
    // The plugin reads the route's config for a group id; an upgrade has no route.
    const result = await count(('routeOptions' in req ? req : { ...req, routeOptions: {} }) as FastifyRequest);
    if (result.isAllowed) return;
    const remaining = result.isExceeded ? 0 : result.remaining;
    reply?.header('ratelimit-limit', result.max).header('ratelimit-remaining', remaining).header('ratelimit-reset', result.ttlInSeconds);
    if (!result.isExceeded) return;
    const after = String(Math.max(1, result.ttlInSeconds));
    const detail = bucket.startsWith('k:')
      ? `More than ${result.max} requests per second with this key. Retry after ${after} s.`
      : `More than ${result.max} requests per second from this address without a valid API key (public endpoints, or a key that is missing, unknown, revoked or expired). Retry after ${after} s.`;
    throw new ProblemError('rate_limited', detail, {
      headers: { 'Retry-After': after, 'RateLimit-Limit': String(result.max), 'RateLimit-Remaining': '0', 'RateLimit-Reset': after },
    });
  }

  const limiter: Limiter = {
    chargeKey: (req, keyId, reply) => charge(req, `k:${keyId}`, reply),
    chargeIp: (req, reply) => charge(req, `ip:${req.ip}`, reply),
    authenticated(authHook) {
      const hook = async function limitedAuth(this: FastifyInstance, req: FastifyRequest, reply: FastifyReply): Promise<void> {
        try {
          // The auth hook is callback style (it answers a cached key without a promise).
          await new Promise<void>((resolve, reject) =>
            (authHook as (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void).call(this, req, reply, (err) =>
              err ? reject(err) : resolve(),
            ),
          );
        } catch (err) {
          // A 401 (and only a 401: a 403 missing_scope is a valid key) is charged to the address.
          if (err instanceof ProblemError && err.status === 401) await limiter.chargeIp(req, reply);
          throw err;
        }
        if (req.auth) await limiter.chargeKey(req, req.auth.keyId, reply);
      };
      secured.add(hook);
      return hook;
    },
  };
  const secured = new WeakSet<object>();

  // Before any route's own hooks: a known valid key is charged (and refused past its limit) before its
  // authentication; a route without authentication (health, status, docs) is charged to the IP.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS') return;
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    const isSecured = own.some((h) => secured.has(h));
    const first: onRequestHookHandler = isSecured
      ? async (req, reply) => {
          const keyId = auth.knownKeyId(req.headers.authorization);
          if (keyId) await limiter.chargeKey(req, keyId, reply);
        }
      : async (req, reply) => limiter.chargeIp(req, reply);
    route.onRequest = [first, ...own];
  });
  return limiter;
}
