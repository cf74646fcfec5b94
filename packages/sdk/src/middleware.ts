import type { Middleware as OpenapiFetchMiddleware } from 'openapi-fetch';

/**
 * openapi-fetch middleware, the SDK's extension point. `onRequest` runs once per logical call
 * (retries happen beneath it), after the SDK has set `Authorization` and `Idempotency-Key`.
 *
 * @example
 * ```ts
 * const logger: Middleware = {
 *   onResponse({ request, response }) {
 *     console.log(request.method, request.url, response.status, response.headers.get('prolope-request-id'));
 *   },
 * };
 * const prolope = new Prolope({ middleware: [logger] });
 * ```
 */
export type Middleware = OpenapiFetchMiddleware;

/** Prefix of generated Idempotency-Keys, so server logs show which keys the SDK made up. */
export const IDEMPOTENCY_PREFIX = 'prolope-node-retry-';

/** Adds `Authorization: Bearer` unless the caller set its own Authorization header for this call. */
export function authMiddleware(apiKey: string | undefined): Middleware {
  return {
    onRequest({ request }) {
      if (apiKey && !request.headers.has('authorization')) {
        request.headers.set('Authorization', `Bearer ${apiKey}`);
      }
    },
  };
}

/**
 * Gives every POST an Idempotency-Key unless it has one. As middleware it runs once per logical
 * call, above the retrying fetch, so all attempts of that call carry the same key and the server
 * replays rather than repeats a POST whose first answer was lost.
 */
export function idempotencyMiddleware(): Middleware {
  return {
    onRequest({ request }) {
      if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
        request.headers.set('Idempotency-Key', `${IDEMPOTENCY_PREFIX}${globalThis.crypto.randomUUID()}`);
      }
    },
  };
}
