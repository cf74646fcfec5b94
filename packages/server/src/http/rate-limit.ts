import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from '../errors.js';

// Limits are per API key (hashed, so the secret never sits in memory as a map key) or per client IP.
function keyOf(req: FastifyRequest): string {
  const auth = req.headers.authorization;
  return auth ? `k:${createHash('sha256').update(auth).digest('base64url')}` : `ip:${req.ip}`;
}

/** Per-key limits with RateLimit-* headers (IETF draft) and 429 problem+json with Retry-After. */
export async function registerRateLimit(app: FastifyInstance, perSecond: number): Promise<void> {
  if (perSecond === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: perSecond,
    timeWindow: 1000,
    enableDraftSpec: true,
    keyGenerator: keyOf,
    errorResponseBuilder: (_req, ctx) =>
      new ProblemError('rate_limited', `More than ${ctx.max} requests per second with this key. Retry after ${Math.ceil(ctx.ttl / 1000)} s.`),
  });
}
