import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Request headers a browser may send cross-origin (besides the CORS-safelisted ones). */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'] as const;

/** Response headers a browser script may read cross-origin (besides the CORS-safelisted ones). */
export const CORS_EXPOSED_HEADERS = [
  'Prolope-Request-Id',
  'Prolope-Should-Retry',
  'Idempotent-Replayed',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Content-Disposition',
] as const;

/**
 * CORS for the whole API: any origin, never credentials. The API is keyed by bearer tokens, not
 * cookies, so a foreign page gains nothing a script with the key could not already do; allowing
 * every origin is what lets "Try it out" and browser tools call the API (as Stripe's API does).
 * Because `credentials` stays off, browsers never attach cookies or HTTP auth to these requests.
 *
 * Preflights (OPTIONS) are answered 204 in an onRequest hook registered on the root, before any
 * route's auth or rate-limit hook runs, so a preflight never meets a 401 or 429.
 */
export async function registerCors(app: FastifyInstance): Promise<void> {
  await app.register(cors, {
    origin: '*',
    credentials: false,
    // Joined once here: the plugin joins an array again on every request (bench/api).
    methods: 'GET, HEAD, POST, PUT, PATCH, DELETE',
    allowedHeaders: CORS_ALLOWED_HEADERS.join(', '),
    exposedHeaders: CORS_EXPOSED_HEADERS.join(', '),
    // Chromium caps the cache at 2 hours; longer would only be ignored.
    maxAge: 7200,
    // The plugin's strict mode answers a bare OPTIONS with a text/plain 400; a bare OPTIONS is harmless, so it gets the same 204.
    strictPreflight: false,
  });
}
